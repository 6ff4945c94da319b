import * as z from 'zod';
import { Channel } from './channel.js';
import { Location } from './location.js';
import { ProductInput } from './product.js';

/**
 * What the admin API accepts (docs/configuration.md). Each body is the schema the OMS reads the
 * record with, less the id the path gives; an id in the body must be the path's.
 */
export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
});

export const LocationInput = Location.extend({ locationId: Location.shape.locationId.optional() });
export const ProductBody = ProductInput.extend({ sku: z.string().optional() });
export const ChannelInput = Channel.extend({
  channelId: Channel.shape.channelId.optional(),
  /** Defaults to `<prefix><channelId>`; a name outside the prefix is refused (docs/security.md). */
  secretName: Channel.shape.secretName.optional(),
});

export const ChannelSecret = z
  .strictObject({
    secret: z
      .string()
      .min(8, 'must be at least 8 characters')
      .max(4096)
      .refine((value) => value.trim() === value, 'must not start or end with white space'),
  })
  .meta({ description: "The channel's signing secret: stored, never returned." });

/** The secret names an admin may point channels at; the functions may read and write only these. */
export const DEFAULT_CHANNEL_SECRETS_PREFIX = 'oms/channels/';
