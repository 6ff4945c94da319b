import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Loading, Problem } from './ui';

/**
 * A screen whose code is its own file, fetched the first time it is shown (or `preload`ed
 * before), so that a store's phone does not download the screens of customer service and
 * operations. A failed download is said, and tried again on the next visit.
 */
export function lazyScreen<Props extends object>(load: () => Promise<ComponentType<Props>>) {
  let screen: ComponentType<Props> | undefined;
  let loading: Promise<ComponentType<Props>> | undefined;
  const preload = () =>
    (loading ??= load().then(
      (loaded) => (screen = loaded),
      (error: Error) => {
        loading = undefined;
        throw error;
      },
    ));
  function Lazy(props: Props) {
    const [, setLoaded] = useState(false);
    const [error, setError] = useState<string>();
    // Always waits on the download, even when it had finished by the time this runs: the
    // screen may have arrived between this component's first render and its effect.
    useEffect(() => {
      preload().then(
        () => setLoaded(true),
        (failed: Error) => setError(failed.message),
      );
    }, []);
    if (screen) {
      const Screen = screen;
      return <Screen {...props} />;
    }
    return error ? (
      <Problem message={`The screen could not be loaded: ${error}`} />
    ) : (
      <Loading what="the screen" />
    );
  }
  return Object.assign(Lazy, { preload });
}
