import {
  putCarrierAccount,
  putCarrierServices,
  putChannel,
  putLocation,
} from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import type { Channel } from '../../functions/domain/channel.js';
import type { CarrierAccount } from '../../functions/domain/fulfillment/carrier.js';
import type { CarrierServices } from '../../functions/domain/fulfillment/promise.js';
import type { Location } from '../../functions/domain/location.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { DEMO_SHIPPO_SECRETS } from './local-config.js';

/**
 * Demo data for the local runtime: channels, locations in Lisbon, Porto and Madrid (real
 * coordinates, so distance ranking behaves as it would for a real retailer) and a catalog with
 * stock spread across them. Written through the repositories, so it is validated like any
 * configuration. The channels' secrets are in local-config.ts.
 */
export const DEMO_CHANNELS: Channel[] = [
  { channelId: 'web', name: 'Web shop', format: 'canonical', secretName: 'oms/channels/web', active: true },
  { channelId: 'app', name: 'Mobile app', format: 'canonical', secretName: 'oms/channels/app', active: true },
  {
    channelId: 'shopify',
    name: 'Shopify store',
    format: 'shopify',
    secretName: 'oms/channels/shopify',
    active: true,
  },
  {
    channelId: 'woocommerce',
    name: 'WooCommerce outlet',
    format: 'woocommerce',
    secretName: 'oms/channels/woocommerce',
    active: true,
  },
  // The stores' tills: their receipts (POST /v1/locations/{id}/pos-sales) become its orders.
  {
    channelId: 'store-pos',
    name: 'Store tills',
    format: 'canonical',
    secretName: 'oms/channels/store-pos',
    defaultCountry: 'PT',
    active: true,
  },
];

type DemoLocation = Pick<
  Location,
  'locationId' | 'name' | 'type' | 'address' | 'lat' | 'lon' | 'capabilities'
> &
  Partial<Location>;

/**
 * Shipping calendars (the promise, docs/fulfillment.md): warehouses take a working day to
 * process and hand over to the carrier at 15:00; stores ship the same day until 18:00, Saturdays too.
 */
const WAREHOUSE_CALENDAR = {
  processingDays: 1,
  cutoffTime: '15:00',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
} satisfies Partial<Location>;
const STORE_CALENDAR = {
  processingDays: 0,
  cutoffTime: '18:00',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
} satisfies Partial<Location>;

/** Transit days of the demo's carrier services per zone, and the service promised by default. */
export const DEMO_CARRIER_SERVICES: CarrierServices = {
  services: [
    {
      carrier: 'CTT',
      service: 'Expresso',
      methods: ['express', 'standard'],
      deliveryDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      zones: [
        { zone: 'domestic', from: ['PT'], destinations: ['PT'], transitDays: 1 },
        { zone: 'iberia', from: ['PT'], destinations: ['ES'], transitDays: 2 },
        { zone: 'world', destinations: ['*'], transitDays: 6 },
      ],
    },
    {
      carrier: 'SEUR',
      service: '24',
      methods: [],
      deliveryDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      zones: [
        { zone: 'domestic', from: ['ES'], destinations: ['ES'], transitDays: 1 },
        { zone: 'iberia', from: ['ES'], destinations: ['PT'], transitDays: 2 },
      ],
    },
    {
      carrier: 'UPS',
      service: 'Ground',
      methods: [],
      deliveryDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      zones: [
        { zone: 'regional', from: ['US'], destinations: ['US-NJ', 'US-NY', 'US-PA'], transitDays: 1 },
        { zone: 'national', from: ['US'], destinations: ['US'], transitDays: 4 },
        { zone: 'canada', from: ['US'], destinations: ['CA'], transitDays: 5 },
      ],
    },
  ],
  defaultService: { carrier: 'CTT', service: 'Expresso' },
};

/** The demo Shippo account; its secrets are in local-config.ts (DEMO_SHIPPO_SECRETS). */
export const DEMO_SHIPPO_ACCOUNT: CarrierAccount = {
  carrierId: 'shippo',
  apiTokenSecretName: DEMO_SHIPPO_SECRETS.apiToken.name,
  webhookSecretName: DEMO_SHIPPO_SECRETS.webhook.name,
  active: true,
};

const LISBON = 'Europe/Lisbon';
const MADRID = 'Europe/Madrid';

export const DEMO_LOCATIONS: DemoLocation[] = [
  {
    locationId: 'WH-LIS',
    name: 'Lisbon warehouse',
    type: 'warehouse',
    address: { line1: 'Rua do Açúcar 90', city: 'Lisboa', postalCode: '1950-010', country: 'PT' },
    lat: 38.7436,
    lon: -9.1027,
    timeZone: LISBON,
    ...WAREHOUSE_CALENDAR,
    capabilities: ['ship', 'transfer'],
    regionsServed: ['PT', 'ES'],
    dailyCapacity: 2000,
    priority: 10,
    costPerShipment: 450,
  },
  {
    locationId: 'WH-POR',
    name: 'Porto warehouse',
    type: 'warehouse',
    address: { line1: 'Rua Eng. Frederico Ulrich 2650', city: 'Maia', postalCode: '4470-605', country: 'PT' },
    lat: 41.2357,
    lon: -8.6199,
    timeZone: LISBON,
    ...WAREHOUSE_CALENDAR,
    capabilities: ['ship', 'transfer'],
    regionsServed: ['PT'],
    dailyCapacity: 1000,
    priority: 20,
    costPerShipment: 450,
  },
  {
    locationId: 'WH-MAD',
    name: 'Madrid warehouse',
    type: 'warehouse',
    address: { line1: 'Calle Torneros 12', city: 'Getafe', postalCode: '28906', country: 'ES' },
    lat: 40.3057,
    lon: -3.7329,
    timeZone: MADRID,
    ...WAREHOUSE_CALENDAR,
    capabilities: ['ship', 'transfer'],
    regionsServed: ['ES', 'PT'],
    dailyCapacity: 2000,
    priority: 10,
    costPerShipment: 500,
  },
  {
    locationId: 'STORE-LIS-CHIADO',
    name: 'Lisbon Chiado store',
    type: 'store',
    address: { line1: 'Rua Garrett 50', city: 'Lisboa', postalCode: '1200-204', country: 'PT' },
    lat: 38.7107,
    lon: -9.142,
    timeZone: LISBON,
    ...STORE_CALENDAR,
    capabilities: ['ship', 'pickup', 'ship_to_store'],
    regionsServed: ['PT'],
    dailyCapacity: 60,
    priority: 50,
    costPerShipment: 650,
  },
  {
    locationId: 'STORE-LIS-COLOMBO',
    name: 'Lisbon Colombo store',
    type: 'store',
    address: { line1: 'Av. Lusíada, Centro Colombo', city: 'Lisboa', postalCode: '1500-392', country: 'PT' },
    lat: 38.7541,
    lon: -9.1886,
    timeZone: LISBON,
    ...STORE_CALENDAR,
    capabilities: ['pickup', 'ship_to_store'],
    priority: 60,
  },
  {
    locationId: 'STORE-POR-BAIXA',
    name: 'Porto Santa Catarina store',
    type: 'store',
    address: { line1: 'Rua de Santa Catarina 200', city: 'Porto', postalCode: '4000-442', country: 'PT' },
    lat: 41.149,
    lon: -8.606,
    timeZone: LISBON,
    ...STORE_CALENDAR,
    capabilities: ['ship', 'pickup', 'ship_to_store'],
    regionsServed: ['PT'],
    dailyCapacity: 40,
    priority: 50,
    costPerShipment: 650,
  },
  {
    locationId: 'STORE-MAD-SOL',
    name: 'Madrid Puerta del Sol store',
    type: 'store',
    address: { line1: 'Puerta del Sol 1', city: 'Madrid', postalCode: '28013', country: 'ES' },
    lat: 40.4169,
    lon: -3.7035,
    timeZone: MADRID,
    ...STORE_CALENDAR,
    capabilities: ['ship', 'pickup', 'ship_to_store'],
    regionsServed: ['ES'],
    dailyCapacity: 60,
    priority: 50,
    costPerShipment: 700,
  },
  {
    locationId: 'WH-NJ',
    name: 'New Jersey warehouse (North America)',
    type: 'warehouse',
    address: { line1: '50 Mayfield Ave', city: 'Edison', region: 'NJ', postalCode: '08837', country: 'US' },
    lat: 40.5187,
    lon: -74.4121,
    timeZone: 'America/New_York',
    ...WAREHOUSE_CALENDAR,
    capabilities: ['ship', 'transfer'],
    regionsServed: ['US', 'CA'],
    dailyCapacity: 3000,
    priority: 10,
    costPerShipment: 900,
  },
];

/**
 * The products of the Shopify fixtures (test/fixtures/channels), stocked in North America,
 * so that a real Shopify webhook posted to the demo routes as it would for a retailer.
 */
export const DEMO_NORTH_AMERICA_STOCK = [
  { sku: 'IPOD2008GREEN', locationId: 'WH-NJ', onHand: 40 },
  { sku: 'IPOD2008RED', locationId: 'WH-NJ', onHand: 40 },
  { sku: 'IPOD2008BLACK', locationId: 'WH-NJ', onHand: 40 },
];

export const DEMO_SKUS = [
  ...['BLUE', 'WHITE', 'BLACK'].flatMap((color) => ['S', 'M', 'L'].map((size) => `TSHIRT-${color}-${size}`)),
  'JEANS-SLIM-30',
  'JEANS-SLIM-32',
  'JEANS-SLIM-34',
  'SNEAKER-RUN-41',
  'SNEAKER-RUN-42',
  'SNEAKER-RUN-43',
  'HOODIE-GREY-M',
  'HOODIE-GREY-L',
  'CAP-NAVY',
  'SOCKS-3PACK',
  'TOTE-CANVAS',
];

/**
 * Deterministic, uneven stock: every SKU is somewhere, not everywhere, and some store shelves are
 * empty, so routing has real choices (nearest store, warehouse, split) to make.
 */
export function demoOnHand(skuIndex: number, locationIndex: number): number {
  const quantity = (skuIndex * 7 + locationIndex * 11) % 23;
  return quantity < 4 ? 0 : quantity;
}

export async function seedDemoData(now = new Date().toISOString()): Promise<{ stockLevels: number }> {
  for (const channel of DEMO_CHANNELS) await putChannel(channel);
  await putCarrierServices(DEMO_CARRIER_SERVICES);
  await putCarrierAccount(DEMO_SHIPPO_ACCOUNT);
  for (const location of DEMO_LOCATIONS) {
    await putLocation({
      timeZone: 'UTC',
      priority: 100,
      costPerShipment: 0,
      costCurrency: 'EUR',
      active: true,
      ...location,
    });
  }
  const levels = DEMO_SKUS.flatMap((sku, skuIndex) =>
    DEMO_LOCATIONS.map((location, locationIndex) =>
      newStockLevel({
        sku,
        locationId: location.locationId,
        onHand: demoOnHand(skuIndex, locationIndex),
        safetyStock: location.type === 'store' ? 1 : 0,
        now,
      }),
    ),
  )
    .filter((level) => level.onHand > 0)
    .concat(DEMO_NORTH_AMERICA_STOCK.map((stock) => newStockLevel({ ...stock, now })));
  await Promise.all(levels.map((level) => putStockLevel(level)));
  return { stockLevels: levels.length };
}
