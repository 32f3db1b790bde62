// The renderer's entry: connect to the host (Electron preload, web mode or ?fake demo), install
// the bridge for the stores, then mount the app with Pinia.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { connectLab, installLab } from './bridge';
import './styles.css';

installLab(await connectLab());
createApp(App).use(createPinia()).mount('#app');
