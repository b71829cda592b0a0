import { isUnmodifiedSince } from './pass';
import type { PackageVersion } from './ports/pass-packager';
import { constantTimeEquals } from './secrets';

/**
 * An issued pass as a device's request to the Wallet web service finds it: enough to check the
 * request's token, answer `If-Modified-Since` and name the package of the current version, without
 * loading the pass's content. A template change makes every device of its passes ask at once;
 * most of those requests end here (304) or with a package built before.
 */
export class WalletPassEntry {
  constructor(
    private readonly authenticationToken: string,
    readonly lastModified: Date,
    readonly packageVersion: PackageVersion,
  ) {}

  /** Constant-time, like `Pass.authenticatesWith`; entries exist for issued passes only. */
  authenticatesWith(token: string): boolean {
    return constantTimeEquals(token, this.authenticationToken);
  }

  isUnmodifiedSince(ifModifiedSince: string | undefined): boolean {
    return isUnmodifiedSince(this.lastModified, ifModifiedSince);
  }
}
