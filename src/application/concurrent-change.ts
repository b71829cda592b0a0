import { DomainErrorCode, isDomainError } from '../domain/errors';

const ATTEMPTS = 5;

/**
 * Runs a load-change-save again when another change to the same pass was saved in between
 * (PASS_CHANGED_CONCURRENTLY): both changes end up stored, each under a version of its own.
 */
export async function retryOnConcurrentChange<T>(loadChangeSave: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await loadChangeSave();
    } catch (error) {
      const concurrent = isDomainError(error) && error.code === DomainErrorCode.PassChangedConcurrently;
      if (!concurrent || attempt >= ATTEMPTS) throw error;
    }
  }
}
