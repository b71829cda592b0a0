import { passTypeRepositoryContract } from './pass-type.repository.contract';
import { runContract } from './harness';

runContract(passTypeRepositoryContract);
