import { runContract } from './harness';
import { walletPassIndexContract } from './wallet-pass-index.contract';

runContract(walletPassIndexContract);
