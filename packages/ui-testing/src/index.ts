export { CHROMIUM, HeadlessChromium, launchChromium } from './headless-chromium.js';
export type { ChartState, SupersetLogin } from './superset-login.js';
export { CHART_HOLDERS, CHART_STATES, logInToSuperset } from './superset-login.js';
export { UiTestingError } from './ui-testing-error.js';
