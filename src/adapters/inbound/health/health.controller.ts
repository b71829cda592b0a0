import { Controller, Get, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DatabaseHealth } from '../../outbound/persistence/database-health';

@ApiTags('Operations')
@Controller('health')
export class HealthController {
  constructor(private readonly database: DatabaseHealth) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Liveness and database reachability' })
  @ApiResponse({ status: 200, description: 'Service and database are up', schema: { example: { status: 'ok', database: 'up' } } })
  @ApiResponse({ status: 503, description: 'The database does not answer', schema: { example: { status: 'error', database: 'down' } } })
  async health(@Res({ passthrough: true }) reply: { status(code: number): unknown }): Promise<{ status: string; database: string }> {
    if (await this.database.check()) return { status: 'ok', database: 'up' };
    reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'error', database: 'down' };
  }
}
