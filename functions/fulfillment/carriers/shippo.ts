import * as z from 'zod';
import type {
  LabelProvider,
  LabelRequest,
  ShipmentAddress,
  ShipmentDetails,
} from '../../domain/fulfillment/carrier.js';
import { DomainError } from '../../domain/errors.js';
import { toMinorUnits } from '../../domain/money.js';

/**
 * Buys labels through Shippo's REST API: POST /shipments/ (addresses and the parcel; Shippo
 * answers with the carriers' rates), then POST /transactions/ for the chosen rate (the label,
 * with its tracking number). Authentication is `Authorization: ShippoToken <token>`; the token is
 * passed in (the wiring reads it from Secrets Manager). Every call has a timeout and a cap on the
 * size of the answer, so a slow or misbehaving provider can not hold a Lambda or fill its memory.
 */
export const SHIPPO_API_URL = 'https://api.goshippo.com';

export interface ShippoOptions {
  apiToken: string;
  baseUrl?: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
  labelFileType?: 'PDF' | 'PDF_4x6' | 'PNG' | 'ZPLII';
}

/**
 * The label provider failed, did not answer in time, or answered what we can not use: not the
 * caller's fault, so the API answers 503 with Retry-After and nothing is written.
 */
export class CarrierApiError extends DomainError {
  readonly kind = 'unavailable';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CarrierApiError';
  }
}

const Rate = z.object({
  object_id: z.string(),
  amount: z.string(),
  currency: z.string(),
  provider: z.string(),
  servicelevel: z.object({ token: z.string().optional(), name: z.string().optional() }).optional(),
  estimated_days: z.number().nullish(),
});
type Rate = z.output<typeof Rate>;

const ShipmentResponse = z.object({ object_id: z.string(), rates: z.array(Rate) });

const TransactionResponse = z.object({
  object_id: z.string(),
  status: z.string(),
  tracking_number: z.string().nullish(),
  tracking_url_provider: z.string().nullish(),
  label_url: z.string().nullish(),
  messages: z.array(z.object({ text: z.string().optional() })).default([]),
});

export function createShippoClient(options: ShippoOptions): LabelProvider {
  const baseUrl = (options.baseUrl ?? SHIPPO_API_URL).replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxResponseBytes = options.maxResponseBytes ?? 1_000_000;

  async function post<Schema extends z.ZodType>(path: string, body: unknown, schema: Schema) {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: {
          authorization: `ShippoToken ${options.apiToken}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `timed out after ${timeoutMs} ms`
          : (error as Error).message;
      throw new CarrierApiError(`Shippo POST ${path} failed: ${reason}.`);
    }
    const text = await readCapped(response, maxResponseBytes, path, timeoutMs);
    if (!response.ok)
      throw new CarrierApiError(
        `Shippo POST ${path} answered HTTP ${response.status}: ${text.slice(0, 300)}`,
        response.status,
      );
    const parsed = schema.safeParse(parseJson(text, path));
    if (!parsed.success)
      throw new CarrierApiError(`Shippo POST ${path} answered an unexpected shape: ${parsed.error.message}`);
    return parsed.data as z.output<Schema>;
  }

  return {
    name: 'shippo',
    async buyLabel(request: LabelRequest): Promise<ShipmentDetails> {
      const shipment = await post(
        '/shipments/',
        {
          address_from: toShippoAddress(request.from),
          address_to: toShippoAddress(request.to),
          parcels: [
            {
              length: String(request.parcel.dimensionsCm.length),
              width: String(request.parcel.dimensionsCm.width),
              height: String(request.parcel.dimensionsCm.height),
              distance_unit: 'cm',
              weight: String(request.parcel.weightGrams),
              mass_unit: 'g',
            },
          ],
          metadata: request.fulfillmentOrderId,
          async: false,
        },
        ShipmentResponse,
      );
      const rate = chooseRate(shipment.rates, request);
      const transaction = await post(
        '/transactions/',
        {
          rate: rate.object_id,
          label_file_type: options.labelFileType ?? 'PDF',
          metadata: request.fulfillmentOrderId,
          async: false,
        },
        TransactionResponse,
      );
      if (transaction.status !== 'SUCCESS' || !transaction.tracking_number) {
        const why = transaction.messages
          .map((message) => message.text)
          .filter(Boolean)
          .join('; ');
        throw new CarrierApiError(
          `Shippo could not buy the label (${transaction.status}): ${why || 'no reason given'}.`,
        );
      }
      const service = rate.servicelevel?.token ?? rate.servicelevel?.name;
      return {
        carrier: rate.provider,
        ...(service !== undefined && { service }),
        trackingNumber: transaction.tracking_number,
        ...(transaction.tracking_url_provider && { trackingUrl: transaction.tracking_url_provider }),
        ...(transaction.label_url && { labelUrl: transaction.label_url }),
        cost: { amount: toMinorUnits(rate.amount, rate.currency), currency: rate.currency },
        providerReference: transaction.object_id,
      };
    },
  };
}

/**
 * The rate to buy: among those of the wanted carrier and service (when given), the cheapest,
 * compared in exact minor units; rates in another currency than the first are not comparable
 * and are left out rather than converted.
 */
export function chooseRate(rates: readonly Rate[], request: Pick<LabelRequest, 'carrier' | 'service'>): Rate {
  const wanted = rates.filter(
    (rate) =>
      (!request.carrier || rate.provider.toLowerCase() === request.carrier.toLowerCase()) &&
      (!request.service || [rate.servicelevel?.token, rate.servicelevel?.name].includes(request.service)),
  );
  const currency = wanted[0]?.currency;
  const comparable = wanted.filter((rate) => rate.currency === currency);
  const cheapest = comparable.reduce<Rate | undefined>(
    (best, rate) =>
      !best || toMinorUnits(rate.amount, rate.currency) < toMinorUnits(best.amount, best.currency)
        ? rate
        : best,
    undefined,
  );
  if (!cheapest) {
    const asked = [request.carrier, request.service].filter(Boolean).join(' ');
    throw new CarrierApiError(`Shippo offered no rate${asked ? ` for ${asked}` : ''} for this parcel.`);
  }
  return cheapest;
}

function toShippoAddress(address: ShipmentAddress) {
  return {
    name: address.name ?? address.company ?? '',
    ...(address.company !== undefined && { company: address.company }),
    street1: address.line1,
    ...(address.line2 !== undefined && { street2: address.line2 }),
    city: address.city,
    ...(address.region !== undefined && { state: address.region }),
    ...(address.postalCode !== undefined && { zip: address.postalCode }),
    country: address.country,
    ...(address.phone !== undefined && { phone: address.phone }),
    ...(address.email !== undefined && { email: address.email }),
  };
}

/** Reads the body up to `limit` bytes; past it the stream is canceled and the call fails. */
async function readCapped(
  response: Response,
  limit: number,
  path: string,
  timeoutMs: number,
): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body?.cancel();
    throw new CarrierApiError(
      `Shippo POST ${path} answered ${declared} bytes, more than the ${limit} bytes allowed.`,
    );
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw new CarrierApiError(`Shippo POST ${path} answered more than the ${limit} bytes allowed.`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof CarrierApiError) throw error;
    const reason =
      (error as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (error as Error).message;
    throw new CarrierApiError(`Shippo POST ${path} failed while reading: ${reason}.`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CarrierApiError(`Shippo POST ${path} answered something that is not JSON.`);
  }
}
