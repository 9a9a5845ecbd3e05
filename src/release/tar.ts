/** The tar writer lives in the core, where the krakend cache export uses it too. */
export { type TarEntry, tarGz } from '../core/tar.js';
