import { useState } from 'preact/hooks';
import { ActionForm } from '../action-form';
import type { FulfillmentOrder } from '../types';
import { emptyDraft, packBody, unpackedLines, type PackageDraft, type PackedPackage } from '../work';

/**
 * Picked units into one package or several: it starts as one package holding every unit, "Add a
 * package" adds an empty one to move units into. Weight and size are optional for the API, and
 * what a label is priced by (`POST …/labels` needs both). Units left out stay picked.
 */
export function PackForm({
  fo,
  onPack,
}: {
  fo: FulfillmentOrder;
  onPack: (body: { packages: PackedPackage[] }) => Promise<void>;
}) {
  const unpacked = unpackedLines(fo);
  const [drafts, setDrafts] = useState<PackageDraft[]>(() => [
    emptyDraft(Object.fromEntries(unpacked.map(({ line, units }) => [line.lineId, units]))),
  ]);
  const change = (index: number, draft: PackageDraft) =>
    setDrafts(drafts.map((candidate, at) => (at === index ? draft : candidate)));
  const outcome = packBody(fo, drafts);
  const count = drafts.length;
  return (
    <ActionForm
      name="Pack"
      submit={`Pack into ${count} ${count === 1 ? 'package' : 'packages'}`}
      run={async () => {
        if ('problem' in outcome) throw new Error(outcome.problem);
        await onPack(outcome.body);
      }}
    >
      <h2>Pack</h2>
      {drafts.map((draft, index) => (
        <fieldset key={index}>
          <legend>Package {index + 1}</legend>
          {unpacked.map(({ line, units }) => (
            <label class="field" key={line.lineId}>
              {`${line.name ?? line.sku} (of ${units})`}
              <input
                type="number"
                inputMode="numeric"
                min={0}
                max={units}
                value={draft.units[line.lineId] ?? 0}
                onInput={(event) =>
                  change(index, {
                    ...draft,
                    units: { ...draft.units, [line.lineId]: Number(event.currentTarget.value) || 0 },
                  })
                }
              />
            </label>
          ))}
          <label class="field">
            Weight (g)
            <input
              inputMode="numeric"
              value={draft.weightGrams}
              onInput={(event) => change(index, { ...draft, weightGrams: event.currentTarget.value })}
              autocomplete="off"
            />
          </label>
          <div class="sides">
            {(['length', 'width', 'height'] as const).map((side) => (
              <label class="field" key={side}>
                {`${side[0]!.toUpperCase()}${side.slice(1)} (cm)`}
                <input
                  inputMode="decimal"
                  value={draft[side]}
                  onInput={(event) => change(index, { ...draft, [side]: event.currentTarget.value })}
                  autocomplete="off"
                />
              </label>
            ))}
          </div>
          {index > 0 && (
            <button type="button" onClick={() => setDrafts(drafts.filter((_, at) => at !== index))}>
              Remove package {index + 1}
            </button>
          )}
        </fieldset>
      ))}
      <button type="button" onClick={() => setDrafts([...drafts, emptyDraft()])}>
        Add a package
      </button>
      {'problem' in outcome && <p class="muted">{outcome.problem}</p>}
    </ActionForm>
  );
}
