import { Module } from '@nestjs/common';
import { CoreModule } from '../../../core.module';
import { DistributionController } from './distribution.controller';

/** Public download and landing links of issued passes; AppConfig comes from the global ConfigModule. */
@Module({ imports: [CoreModule], controllers: [DistributionController] })
export class DistributionModule {}
