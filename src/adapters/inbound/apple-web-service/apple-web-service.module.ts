import { Module } from '@nestjs/common';
import { CoreModule } from '../../../core.module';
import { WalletController } from './wallet.controller';

/** Apple's Wallet web service under /wallet/v1. */
@Module({ imports: [CoreModule], controllers: [WalletController] })
export class AppleWebServiceModule {}
