import { deviceRegistrationRepositoryContract } from './device-registration.repository.contract';
import { runContract } from './harness';

runContract(deviceRegistrationRepositoryContract);
