import { PipeTransform } from '@nestjs/common';
import { DomainErrorCode } from '../../../domain/errors';
import { PassdockRequestError } from './passdock-errors';

const ID = /^([1-9]\d{0,14})(\.json)?$/;

/**
 * A record id from the path ("Must be Fixnum", reference §1), with the `.json` format suffix a
 * last path parameter may carry. Anything else names no record: 404, as an unknown id does.
 */
export class PassdockIdPipe implements PipeTransform<string, number> {
  constructor(private readonly notFound: typeof DomainErrorCode.TemplateNotFound | typeof DomainErrorCode.PassNotFound) {}

  transform(value: string): number {
    const match = ID.exec(value);
    if (!match) {
      const what = this.notFound === DomainErrorCode.TemplateNotFound ? 'template' : 'pass';
      throw new PassdockRequestError([{ code: this.notFound, field: null, message: `No ${what} ${value}.` }]);
    }
    return Number(match[1]);
  }
}

export const TemplateId = new PassdockIdPipe(DomainErrorCode.TemplateNotFound);
export const PassId = new PassdockIdPipe(DomainErrorCode.PassNotFound);
