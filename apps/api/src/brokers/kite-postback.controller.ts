import { Body, Controller, HttpCode, Inject, Logger, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { KiteBroker } from '@robo/broker-kite';
import { ApiError } from '../common/api-error';
import { Public } from '../auth/roles.decorator';
import { KITE_BROKER } from './broker-routing.service';

/**
 * Kite's postbacks (the app's registered postback URL points here, over HTTPS): order updates as a JSON body. No
 * bearer credential (Kite sends none): the body's checksum, sha256(order_id + order_timestamp + api_secret), is the
 * proof. A bad checksum is refused (400 POSTBACK_CHECKSUM_INVALID) and logged; nothing is recorded from it.
 */
@ApiExcludeController()
@Controller('brokers/kite')
export class KitePostbackController {
  private readonly logger = new Logger('KitePostback');

  constructor(@Inject(KITE_BROKER) private readonly broker: KiteBroker | null) {}

  @Post('postback')
  @Public()
  @HttpCode(200)
  async postback(@Body() body: unknown): Promise<{ status: 'ok' }> {
    if (!this.broker) throw new ApiError(404, 'BROKER_NOT_CONFIGURED', 'Kite is not configured here (KITE_API_KEY, KITE_ACCESS_TOKEN)');
    if (!(await this.broker.handlePostback(body))) {
      const orderId = body && typeof body === 'object' ? String((body as { order_id?: unknown }).order_id ?? '') : '';
      this.logger.warn({ orderId }, 'Kite postback refused: bad or missing checksum');
      throw new ApiError(400, 'POSTBACK_CHECKSUM_INVALID', 'the postback checksum does not match sha256(order_id + order_timestamp + api_secret)');
    }
    return { status: 'ok' };
  }
}
