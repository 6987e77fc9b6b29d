// `npm run build:desktop`: bundles the Electron main process, preload and service process into dist/electron.
import { bundleElectron } from './electron-launch.js';

await bundleElectron();
console.log('bundled dist/electron (main.mjs, preload.cjs, service.mjs)');
