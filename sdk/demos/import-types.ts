/**
 * What the demo importer takes and gives: the map a demo is played on, the import's options, and
 * its result and figures ({@link importRecording} in importer.ts does the work).
 */
import type { TokenLayoutJson } from '../core/index.js';
import type { DatasetSpec, Episode } from '../dataset/index.js';
import type { NavMesh } from '../navigation/index.js';
import type { LevelBoxes } from '../physics/index.js';

/** A map the importer knows: its level boxes (rays, line of sight) and nav mesh (waypoints), in meters. */
export interface DemoMap {
  /** Map name as demos write it, e.g. de_dust2. */
  name: string;
  /** Level geometry. */
  level: LevelBoxes;
  /** Nav mesh. */
  navMesh: NavMesh;
}

/** Options of {@link importRecording}. */
export interface ImportOptions {
  /** The egocentric token layout to write rows in (e.g. a policy's `spec.observation`). */
  layout: TokenLayoutJson;
  /** A frame every K ticks (default 8: 8 Hz at 64 Hz). */
  every?: number;
  /** Keep only humans (default false: bots too, marked in `agent.human`). */
  humansOnly?: boolean;
  /** Keep one side (default both). */
  side?: 'ct' | 't' | 'both';
  /** Hindsight goal: where the player is this many seconds later (default 4). */
  hindsightSeconds?: number;
  /** Named in errors and in the dataset. */
  file?: string;
}

/** What an import produced. */
export interface ImportResult {
  /** The dataset spec (egocentric rows, the layout in extra.observation). */
  spec: DatasetSpec;
  /** One episode per recorded player per round. */
  episodes: Episode[];
  /** Figures: frames, the label's agreement with the recorded motion, seconds of demo. */
  stats: ImportStats;
}

/** Figures of an import. */
export interface ImportStats {
  /** Frames written. */
  frames: number;
  /** Of which humans'. */
  humanFrames: number;
  /**
   * Share of human frames whose label, held for the decision interval through the game's inertia
   * ({@link LabelFitter}), ends within 20 % of the recorded velocity.
   */
  humanLabelAgreement: number;
  /** The same over every frame written. */
  labelAgreement: number;
  /** Share of human frames whose label's target velocity (tickmind's instant actuator) is within 20 % of the recorded one. */
  humanTargetAgreement: number;
  /** Share of human frames whose velocity barely changes over the interval (within 20 % with no key known): the floor the label agreement is measured against. */
  humanHoldAgreement: number;
  /** Seconds of play (rounds) read. */
  demoSeconds: number;
  /** Rounds read. */
  rounds: number;
}
