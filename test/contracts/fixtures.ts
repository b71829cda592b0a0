import type { Account } from '../../src/domain/account';
import type { Pass } from '../../src/domain/pass';
import type { PassTemplate, TemplateDefinition } from '../../src/domain/pass-template';
import type { PassType } from '../../src/domain/pass-type';
import { aPass, aPassType, aTemplate, anAccount } from '../support/builders';
import type { Repositories } from './harness';

export interface Owner {
  account: Account;
  passType: PassType;
  template: PassTemplate;
}

/** An account with its own pass type and one template, all stored. */
export async function anOwner(repos: Repositories, name = 'Owner', template: Partial<TemplateDefinition> = {}): Promise<Owner> {
  const account = await repos.accounts.add(anAccount(name).account);
  const passType = await repos.passTypes.add(aPassType(account.id));
  const stored = await repos.templates.add(aTemplate(account.id, passType.id, template));
  return { account, passType, template: stored };
}

export async function aStoredTemplate(repos: Repositories, owner: Owner, overrides: Partial<TemplateDefinition> = {}): Promise<PassTemplate> {
  return repos.templates.add(aTemplate(owner.account.id, owner.passType.id, overrides));
}

export async function aStoredPass(repos: Repositories, template: PassTemplate, serialNumber: string): Promise<Pass> {
  return repos.passes.add(aPass(template, serialNumber));
}
