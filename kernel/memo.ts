/**
 * `fn` remembered per argument, forgetting everything once `max` results are held: a batch repeats
 * a few dozen hours, codes and units thousands of times, and a long-running process must not
 * keep every one it ever saw.
 */
export function boundedMemo<K, V>(fn: (key: K) => V, max = 50_000): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      if (cache.size >= max) cache.clear();
      value = fn(key);
      cache.set(key, value);
    }
    return value;
  };
}
