import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { CoreModule } from '../../../core.module';
import { ApiTokenGuard } from './api-token.guard';
import { PassdockCertificates } from './passdock-certificates';
import { PassdockPassSearchController } from './passdock-pass-search.controller';
import { PassdockPassesController } from './passdock-passes.controller';
import { configurePassdockRoutes } from './passdock-routes';
import { PassdockTemplatesController } from './passdock-templates.controller';

const PASSDOCK_ROUTES = Symbol('PassdockRoutes');

/**
 * The Passdock-compatible REST API under /api/v1. The route hook must be in place before Nest
 * registers routes (during app.init), so it is installed while providers are created.
 */
@Module({
  imports: [CoreModule],
  controllers: [PassdockTemplatesController, PassdockPassSearchController, PassdockPassesController],
  providers: [
    ApiTokenGuard,
    PassdockCertificates,
    {
      provide: PASSDOCK_ROUTES,
      inject: [HttpAdapterHost],
      useFactory: (adapterHost: HttpAdapterHost): boolean => {
        const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
        if (fastify) configurePassdockRoutes(fastify);
        return fastify !== undefined;
      },
    },
  ],
})
export class PassdockModule {}
