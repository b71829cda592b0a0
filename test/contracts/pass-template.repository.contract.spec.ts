import { passTemplateRepositoryContract } from './pass-template.repository.contract';
import { runContract } from './harness';

runContract(passTemplateRepositoryContract);
