// Every supported run of P1 and P2 on the wasm backend.
import { useNodeBackend } from '../../src/engine/nodeBackends';
import { goldenSuite } from './goldenCheck';

goldenSuite('wasm', () => useNodeBackend('wasm'));
