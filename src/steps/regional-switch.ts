/**
 * The shape of an account-wide switch that EC2 keeps per region (EBS encryption by default, the snapshot and AMI
 * sharing blocks, instance metadata defaults): read in every enabled region at once, set where it is off. A region
 * that fails is named while the others are set; the next run sets it.
 *
 * Before switching, the inspection looks for what the switch would break in the regions it changes; when it finds
 * something, the default run skips the step with the reason, and only the step's own flag applies it anyway.
 */
import { awsFailureReason, RuntimeError } from '../errors.js';
import { mapConcurrent } from '../lib/concurrency.js';
import { plan, type FieldChange, type SwitchStepId, type StepContext, type Step } from './types.js';

/** Regions read or changed at once (17 regions are enabled by default). */
export const REGION_CONCURRENCY = 17;

export interface RegionalSwitch<S> {
  id: SwitchStepId;
  title: string;
  read(ctx: StepContext, region: string): Promise<S>;
  /** Whether a region already has what this run asks for. */
  isOn(ctx: StepContext, state: S): boolean;
  /** The region's state for the plan: "off", "unblocked". */
  describe(state: S): string;
  /** What the region gets: "on (AWS managed key)". */
  wanted(ctx: StepContext, state: S): string;
  set(ctx: StepContext, region: string, state: S): Promise<void>;
  /** The AWS call `set` makes, to name it when a region fails (another call `set` makes is named where it failed). */
  call: string;
  /** What the switch would break in a region (ids of public AMIs, …), and how to say it. */
  breaks?: {
    find(ctx: StepContext, region: string): Promise<string[]>;
    /** "2 AMIs are public (eu-west-1: ami-1; …)": what the skip reason (or the explicit run's warning) says. */
    reason(found: string): string;
  };
  /** Said in the plan whenever it changes something ("new volumes only"). */
  note?: string;
}

interface SwitchData<S> {
  /** The regions to change, with their state as read. */
  off: { region: string; state: S }[];
}

/** "eu-west-1: ami-1, ami-2; us-east-1: ami-3" (at most 5 ids named, then "…and N more"). */
function listFound(found: { region: string; items: string[] }[]): string {
  const total = found.reduce((n, f) => n + f.items.length, 0);
  let named = 0;
  const parts: string[] = [];
  for (const f of found) {
    const room = Math.max(0, 5 - named);
    if (!room) break;
    const shown = f.items.slice(0, room);
    named += shown.length;
    parts.push(`${f.region}: ${shown.join(', ')}`);
  }
  return `${parts.join('; ')}${total > named ? `; …and ${total - named} more` : ''}`;
}

export function regionalSwitchStep<S>(sw: RegionalSwitch<S>): Step<SwitchData<S>> {
  return {
    id: sw.id,
    title: sw.title,

    async inspect(ctx) {
      const mode = ctx.settings.switches?.[sw.id] ?? 'default';
      if (mode === 'off') return plan(this, 'skip', `left as it is (--no-${sw.id})`, { off: [] });
      const regions = await ctx.regions();
      const states = await mapConcurrent(regions, REGION_CONCURRENCY, async (region) => ({ region, state: await sw.read(ctx, region) }));
      const off = states.filter((s) => !sw.isOn(ctx, s.state));
      if (!off.length) return plan(this, 'unchanged', `already on in each of ${regions.length} regions`, { off });
      const changes: FieldChange[] = off.map(({ region, state }) => ({ field: region, from: sw.describe(state), to: sw.wanted(ctx, state) }));
      let warning = '';
      if (sw.breaks) {
        const { find } = sw.breaks;
        const found = (await mapConcurrent(off, REGION_CONCURRENCY, async ({ region }) => ({ region, items: await find(ctx, region) }))).filter((f) => f.items.length);
        if (found.length) {
          const why = sw.breaks.reason(listFound(found));
          if (mode === 'default') {
            return plan(this, 'skip', `skipped: ${why}; --${sw.id} applies it anyway`, { off: [] }, changes.map((c) => ({ ...c, note: 'not changed' })));
          }
          warning = `; applied although ${why} (--${sw.id})`;
        }
      }
      const status = off.length === regions.length ? 'create' : 'update';
      const note = sw.note ? ` (${sw.note})` : '';
      return plan(this, status, `${sw.wanted(ctx, off[0]!.state)} in ${off.length} of ${regions.length} regions${note}${warning}`, { off }, changes);
    },

    async apply(ctx, p) {
      const total = p.data.off.length;
      let done = 0;
      ctx.out.progress(`${sw.title}: 0 of ${total} regions`);
      const failed: string[] = [];
      await mapConcurrent(p.data.off, REGION_CONCURRENCY, async ({ region, state }) => {
        try {
          await sw.set(ctx, region, state);
        } catch (err) {
          // Every region is tried: one that fails does not keep the others from converging.
          const call = (err as { $awsCall?: string }).$awsCall?.replace(/\(.*\)/, '');
          failed.push(`${region}: ${call && call !== sw.call ? `${call}: ` : ''}${awsFailureReason(err)}`);
        } finally {
          done += 1;
          ctx.out.progress(`${sw.title}: ${done} of ${total} regions`);
        }
      });
      ctx.out.progress(undefined);
      if (failed.length) {
        throw new RuntimeError(
          `${sw.call} failed in ${failed.length} of ${total} regions: ${failed.sort().join('; ')}`,
          `The other regions are set; run init again once the cause is fixed (or --no-${sw.id} to leave the setting alone).`,
        );
      }
      return {};
    },
  };
}
