import { runContract } from './harness';
import { pushJobRepositoryContract } from './push-job.repository.contract';

runContract(pushJobRepositoryContract);
