// Which resources repeat the type and id of one seen before (a search page overlap, a resource listed twice), for
// a record that keeps the first. Pure.
//
// A Set of id strings per type did this at 3 ms for a 20-year record (10,000 ids), a tenth of the engine's time: a
// Set that large lives in V8's large-object space and is allocated anew at every growth. This is an open-addressing
// table of positions in an Int32Array (memory outside the JavaScript heap), sized once, hashed on the id's
// characters (FHIR ids are at most 64). Input built to collide is caught by counting probes: past a bound, the
// table hands over to Sets, so the cost stays linear whatever the ids.

interface Typed {
  resourceType?: unknown;
  id?: unknown;
}

/** FNV-1a, 32 bits, over the UTF-16 code units of `text`. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Probes allowed per resource on average before the table gives way to Sets. */
const PROBES_PER_ENTRY = 8;

/**
 * `firstOfTypeAndId(i)`: true the first time resources[i]'s type and id (text) are seen, false for a repeat.
 * At most `capacity` different resources may be added.
 */
export function idTable(resources: readonly Typed[], capacity: number): (i: number) => boolean {
  let size = 16;
  while (size < capacity * 2) size *= 2;
  const mask = size - 1;
  const slots = new Int32Array(size); // position + 1; 0 = empty
  let probes = 0;
  const probeLimit = PROBES_PER_ENTRY * capacity + 64;
  let sets: Map<unknown, Set<string>> | undefined;

  const addToSets = (i: number): boolean => {
    const { resourceType: type, id } = resources[i]!;
    let ids = sets!.get(type);
    if (!ids) sets!.set(type, (ids = new Set()));
    if (ids.has(id as string)) return false;
    ids.add(id as string);
    return true;
  };

  return (i) => {
    if (sets) return addToSets(i);
    const { resourceType: type, id } = resources[i]!;
    const text = id as string;
    let slot = fnv1a(text) & mask;
    for (;;) {
      const held = slots[slot]!;
      if (held === 0) break;
      const other = resources[held - 1]!;
      if (other.id === text && other.resourceType === type) return false;
      if (++probes > probeLimit) {
        sets = new Map();
        for (let s = 0; s < size; s++) if (slots[s]! !== 0) addToSets(slots[s]! - 1);
        return addToSets(i);
      }
      slot = (slot + 1) & mask;
    }
    slots[slot] = i + 1;
    return true;
  };
}
