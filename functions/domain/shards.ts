/**
 * Spreading one hot key over several: a stable shard number for an id, so that every writer of a
 * record finds the same shard without reading it first. FNV-1a (32 bits): pure, fast and even
 * enough over ULIDs; not a security hash, nobody gains from steering an order to a shard.
 */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
