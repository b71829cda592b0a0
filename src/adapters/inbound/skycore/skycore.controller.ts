import { Controller, Get, Header, HttpCode, Post, Query, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SkycoreActions } from './skycore-actions';
import { rememberAction, SkycoreExceptionFilter } from './skycore-exception.filter';
import { readGetRequest, readPostRequest, SkycoreRequest } from './skycore-request';
import { SKYCORE_CONTENT_TYPE, successXml } from './skycore-response';
import { SkycoreGetDocs, SkycorePostDocs, SkycoreTag } from './skycore.swagger';
import { rawUrlencodedBody, SKYCORE_PATH } from './skycore-transport';

type Params = Record<string, unknown>;

/**
 * Skycore API 1.3's single endpoint (reference §1): every action through one path, GET with
 * lowercase parameters or POST with the XML document; always HTTP 200 and a `<RESPONSE>`. Other
 * methods are answered by installSkycoreTransport.
 */
@SkycoreTag()
@Controller(SKYCORE_PATH.slice(1))
@UseFilters(SkycoreExceptionFilter)
export class SkycoreController {
  constructor(private readonly actions: SkycoreActions) {}

  @Get()
  @Header('Content-Type', SKYCORE_CONTENT_TYPE)
  @SkycoreGetDocs()
  async get(@Query() query: Params, @Req() request: FastifyRequest): Promise<string> {
    return this.answer(request, () => readGetRequest(query));
  }

  @Post()
  @HttpCode(200)
  @Header('Content-Type', SKYCORE_CONTENT_TYPE)
  @SkycorePostDocs()
  // The body is read from the request, not with @Body(): Swagger would replace the per-media-type
  // request examples of SkycorePostDocs with a generic body parameter.
  async post(@Query() query: Params, @Req() request: FastifyRequest): Promise<string> {
    return this.answer(request, () => readPostRequest(request.body, rawUrlencodedBody(request), query));
  }

  private async answer(request: FastifyRequest, read: () => SkycoreRequest): Promise<string> {
    const call = read();
    rememberAction(request, call.action);
    return successXml(await this.actions.run(call));
  }
}
