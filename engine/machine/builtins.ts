// The built-in programs, as the JSON a user could write (each is checked by parseProgram when
// the machine installs it):
//   sh      a shell that launches the others with ApplicationLauncher and reports their exit codes
//   hog     a memory hog: 32 x 64 KiB on its heap, every byte written
//   server  a forking server: four children, each handling one request and exiting
//   broken  a program whose execve target does not exist: it prints an error and exits 2

const text = { virt: '0x80000000', size: '16K', access: 'rx' };
const data = { virt: '0x80004000', size: '8K', access: 'rw', fill: 0 };

export const builtinPrograms: [file: string, json: unknown][] = [
  ['sh.json', {
    name: 'sh',
    segments: [text, data],
    script: [
      { op: 'print', text: 'sh: launching hog' },
      { op: 'launch', path: 'hog', as: 'job' },
      { op: 'wait', name: 'job' },
      { op: 'print', text: 'sh: hog exited with {status}' },
      { op: 'launch', path: 'server', as: 'job' },
      { op: 'wait', name: 'job' },
      { op: 'print', text: 'sh: server exited with {status}' },
      { op: 'launch', path: 'nosuchprogram', as: 'job' },
      { op: 'wait', name: 'job' },
      { op: 'print', text: 'sh: nosuchprogram exited with {status}' },
      { op: 'launch', path: 'broken', as: 'job' },
      { op: 'wait', name: 'job' },
      { op: 'print', text: 'sh: broken exited with {status}' },
      { op: 'exit', status: 0 },
    ],
  }],
  ['hog.json', {
    name: 'hog',
    segments: [text, data],
    script: [
      { op: 'repeat', times: 32, body: [
        { op: 'malloc', size: '64K', as: 'block' },
        { op: 'write', at: 'block', size: '64K', value: 90 },
      ] },
      { op: 'print', text: 'hog: wrote 2 MiB' },
      { op: 'exit', status: 0 },
    ],
  }],
  ['server.json', {
    name: 'server',
    segments: [text, data],
    script: [
      { op: 'repeat', times: 4, body: [
        { op: 'fork', as: 'worker', child: [
          { op: 'malloc', size: 4096, as: 'request' },
          { op: 'write', at: 'request', size: 4096, value: 1 },
          { op: 'print', text: 'server: a worker handled a request' },
          { op: 'exit', status: 0 },
        ] },
        { op: 'wait', name: 'worker' },
      ] },
      { op: 'exit', status: 0 },
    ],
  }],
  ['broken.json', {
    name: 'broken',
    segments: [text],
    script: [
      { op: 'execve', path: 'no-such-program' },
      { op: 'exit', status: 2 },
    ],
  }],
];
