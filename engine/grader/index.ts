// engine/grader's entry, what the host may import: replaying traces against a target, the timelines
// and heap pictures of a replay, conformance scenarios and their subjects, tuning, rubrics and grades.
export { ApiStates, runApiTimeline, type TimelineCall } from './ApiTimeline';
export { callText, conform, scenarioHeapLimit, show, type ApiTarget, type Scenario, type Subject } from './Conformance';
export { decimateSeries, StreamDecimator, type DecimatedSeries } from './Decimate';
export { describeOutcome, failAll, gradeReport, scoreTest, WORK_UNIT_TEXT, type GradeReport, type GraderVersion, type TestResult, type TraceOutcome } from './Grade';
export { CellKind, heapPicture, heapSegments, segmentAt, TUNABLE_LAYOUT, type BlockLayout, type HeapSegment } from './HeapMap';
export { heapBaseOf, localTarget } from './LocalTarget';
export { policyCell, rankPolicies, type PolicyCell, type PolicyRanking, type RankingRow } from './PolicyRanking';
export { printable } from './Printable';
export { replay, type ReplayFailure, type ReplaySeries, type TraceMetrics } from './Replay';
export { TargetError, type ReplayTarget } from './ReplayTarget';
export { readExerciseSpec, RubricError, type ExerciseSpec, type RubricTest, type Visibility } from './Rubric';
export { type Band, type Thresholds } from './Score';
export { Timeline, type TimelineState } from './Timeline';
export { judge, observe, readTuningSubmission, TuningRuns } from './Tuning';
export { subjects } from './subjects';
export { subjectMachines } from './subjects/pictures';
