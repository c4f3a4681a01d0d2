// The chart library is loaded by a classic <script> (served from the installed `echarts`
// package) and used through its global.
declare global {
  const echarts: typeof import('echarts');
}
export {};
