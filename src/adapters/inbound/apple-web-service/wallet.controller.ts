import { Body, Controller, Delete, Get, Headers, HttpCode, Logger, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GetLatestPass } from '../../../application/get-latest-pass.use-case';
import { ListChangedPasses } from '../../../application/list-changed-passes.use-case';
import { PersonalizePass } from '../../../application/personalize-pass.use-case';
import { RegisterDevice } from '../../../application/register-device.use-case';
import { UnregisterDevice } from '../../../application/unregister-device.use-case';
import { DomainError, DomainErrorCode } from '../../../domain/errors';
import { DeviceLogIntake } from './device-log-intake';
import { WalletExceptionFilter } from './wallet-exception.filter';

/** `Authorization: ApplePass <token>`: the scheme word exactly, one space, the pass's token. */
const APPLE_PASS_AUTHORIZATION = /^ApplePass (\S+)$/;

function applePassToken(authorization: string | undefined): string | null {
  return APPLE_PASS_AUTHORIZATION.exec(authorization ?? '')?.[1] ?? null;
}

/**
 * Apple's Wallet web service at `${PUBLIC_BASE_URL}/wallet`, the pass.json `webServiceURL` (Wallet
 * appends `/v1/...`). Status codes are Apple's; bodies only where Wallet reads one. Responses are
 * not for shared caches: they depend on the device's token.
 * @see https://developer.apple.com/documentation/walletpasses/adding-a-web-service-to-update-passes
 */
@ApiExcludeController()
@Controller('wallet/v1')
@UseFilters(WalletExceptionFilter)
export class WalletController {
  private readonly logger = new Logger('Wallet');
  private readonly logIntake = new DeviceLogIntake();

  constructor(
    private readonly registerDevice: RegisterDevice,
    private readonly unregisterDevice: UnregisterDevice,
    private readonly listChangedPasses: ListChangedPasses,
    private readonly getLatestPass: GetLatestPass,
    private readonly personalizePass: PersonalizePass,
  ) {}

  /** 201 for a new registration, 200 for one that existed (its push token replaced). */
  @Post('devices/:deviceLibraryIdentifier/registrations/:passTypeIdentifier/:serialNumber')
  async register(
    @Param('deviceLibraryIdentifier') deviceLibraryIdentifier: string,
    @Param('passTypeIdentifier') passTypeIdentifier: string,
    @Param('serialNumber') serialNumber: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const outcome = await this.registerDevice.execute({
      deviceLibraryIdentifier,
      passTypeIdentifier,
      serialNumber,
      authenticationToken: applePassToken(authorization),
      body,
    });
    void reply.status(outcome === 'created' ? 201 : 200).header('cache-control', 'no-store').send();
  }

  /** 200 also when the registration is already gone: Wallet retries anything else. */
  @Delete('devices/:deviceLibraryIdentifier/registrations/:passTypeIdentifier/:serialNumber')
  @HttpCode(200)
  async unregister(
    @Param('deviceLibraryIdentifier') deviceLibraryIdentifier: string,
    @Param('passTypeIdentifier') passTypeIdentifier: string,
    @Param('serialNumber') serialNumber: string,
    @Headers('authorization') authorization: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.unregisterDevice.execute({
      deviceLibraryIdentifier,
      passTypeIdentifier,
      serialNumber,
      authenticationToken: applePassToken(authorization),
    });
    void reply.status(200).header('cache-control', 'no-store').send();
  }

  /** No Authorization header comes with this call (the reference's P-AUTH-1); 204 when nothing changed. */
  @Get('devices/:deviceLibraryIdentifier/registrations/:passTypeIdentifier')
  async changedPasses(
    @Param('deviceLibraryIdentifier') deviceLibraryIdentifier: string,
    @Param('passTypeIdentifier') passTypeIdentifier: string,
    @Query('passesUpdatedSince') passesUpdatedSince: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const changed = await this.listChangedPasses.execute({
      deviceLibraryIdentifier,
      passTypeIdentifier,
      passesUpdatedSince: typeof passesUpdatedSince === 'string' ? passesUpdatedSince : undefined,
    });
    void reply.header('cache-control', 'no-store');
    if (changed === null) {
      void reply.status(204).send();
      return;
    }
    void reply.status(200).header('content-type', 'application/json').send(changed);
  }

  /**
   * The current signed pass with its Last-Modified, or 304 when If-Modified-Since shows the device
   * has this version. Fastify answers HEAD from this route too, without the body.
   */
  @Get('passes/:passTypeIdentifier/:serialNumber')
  async latestPass(
    @Param('passTypeIdentifier') passTypeIdentifier: string,
    @Param('serialNumber') serialNumber: string,
    @Headers('authorization') authorization: string | undefined,
    @Headers('if-modified-since') ifModifiedSince: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const latest = await this.getLatestPass.execute({
      passTypeIdentifier,
      serialNumber,
      authenticationToken: applePassToken(authorization),
      ifModifiedSince,
    });
    void reply.header('last-modified', latest.lastModified.toUTCString()).header('cache-control', 'private, no-store');
    if (latest.kind === 'not-modified') {
      void reply.status(304).send();
      return;
    }
    void reply.status(200).header('content-type', 'application/vnd.apple.pkpass').send(latest.bytes);
  }

  /**
   * Rewards enrollment: stores the holder's answers as a new version of the pass (pushed to its
   * devices) and answers the personalization token signed by the pass type, which Wallet checks
   * before it fetches the personalized pass.
   * @see https://developer.apple.com/documentation/walletpasses/return-a-personalized-pass
   */
  @Post('passes/:passTypeIdentifier/:serialNumber/personalize')
  async personalize(
    @Param('passTypeIdentifier') passTypeIdentifier: string,
    @Param('serialNumber') serialNumber: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const signature = await this.personalizePass.execute({
      passTypeIdentifier,
      serialNumber,
      authenticationToken: applePassToken(authorization),
      body,
    });
    void reply.status(200).header('content-type', 'application/octet-stream').header('cache-control', 'no-store').send(signature);
  }

  /**
   * Wallet's error reports: 200 for every batch in Wallet's shape, also when the bounds drop some
   * of it, since Wallet resends a batch on anything else; 400 only for a body that is not one.
   */
  @Post('log')
  @HttpCode(200)
  log(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const logs = (body as { logs?: unknown } | null)?.logs;
    if (!Array.isArray(logs)) {
      throw new DomainError(DomainErrorCode.RegistrationInvalid, 'The body needs "logs": an array of strings.');
    }
    const { accepted, dropped } = this.logIntake.take(request.ip, logs);
    for (const entry of accepted) this.logger.warn({ walletLog: entry, client: request.ip });
    if (dropped > 0) this.logger.warn(`Dropped ${dropped} Wallet log entries from ${request.ip} (size or rate bound).`);
    void reply.status(200).header('cache-control', 'no-store').send();
  }
}
