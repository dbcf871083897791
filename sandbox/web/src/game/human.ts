/**
 * The human player's input: keys held and mouse look, turned into the same 97-class movement
 * action the bots emit (so recording your play gives demonstrations in the policies' own action
 * space) plus a facing and a trigger. Works without pointer lock: arrow keys turn, F fires.
 */
import { type Decider, MOVEMENT_DIRECTIONS, movementClass, Stature } from '../sdk.js';

/** Radians per pixel of mouse movement under pointer lock. */
const MOUSE_RADIANS_PER_PX = 0.0025;
/** Arrow-key turn rate, rad/s. */
const KEY_TURN_RAD_PER_S = 2.6;
/** Keys the sandbox claims while playing (their browser defaults — scrolling — are suppressed). */
const GAME_KEYS = new Set([
  'KeyW',
  'KeyA',
  'KeyS',
  'KeyD',
  'KeyC',
  'KeyF',
  'Space',
  'ShiftLeft',
  'ShiftRight',
  'ControlLeft',
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
]);

/** Keyboard and mouse state of the human player. */
export class HumanInput {
  /** Facing, radians (the arena's yaw: facing (cos, 0, sin)). */
  yaw = 0;
  /** Look pitch, radians (the view only; shots are resolved in the horizontal plane). */
  pitch = 0;
  /** Whether the mouse button or F is held. */
  firing = false;
  private readonly held = new Set<string>();

  /** Listens on `target` for keys and on `canvas` for the mouse (pointer lock when clicked). */
  attach(target: Window, canvas: HTMLCanvasElement, enabled: () => boolean): void {
    target.addEventListener('keydown', (e) => {
      if (!enabled() || !GAME_KEYS.has(e.code) || isTyping(e)) return;
      this.held.add(e.code);
      e.preventDefault();
    });
    target.addEventListener('keyup', (e) => {
      this.held.delete(e.code);
    });
    target.addEventListener('blur', () => this.held.clear());
    canvas.addEventListener('mousedown', (e) => {
      if (!enabled() || e.button !== 0) return;
      if (document.pointerLockElement !== canvas) canvas.requestPointerLock?.();
      else this.firing = true;
    });
    target.addEventListener('mouseup', () => {
      this.firing = false;
    });
    target.addEventListener('mousemove', (e) => {
      if (document.pointerLockElement !== canvas) return;
      this.yaw += e.movementX * MOUSE_RADIANS_PER_PX;
      this.pitch = Math.max(-1.2, Math.min(1.2, this.pitch - e.movementY * MOUSE_RADIANS_PER_PX));
    });
  }

  /** Presses or releases a key by code (tests and on-screen controls). */
  setKey(code: string, down: boolean): void {
    if (down) this.held.add(code);
    else this.held.delete(code);
  }

  /** Applies held arrow keys for `dt` seconds. */
  turn(dt: number): void {
    const h = this.held;
    this.yaw += ((h.has('ArrowRight') ? 1 : 0) - (h.has('ArrowLeft') ? 1 : 0)) * KEY_TURN_RAD_PER_S * dt;
    this.pitch = Math.max(-1.2, Math.min(1.2, this.pitch + ((h.has('ArrowUp') ? 1 : 0) - (h.has('ArrowDown') ? 1 : 0)) * dt));
  }

  /** Whether the trigger is held (mouse button or F). */
  get trigger(): boolean {
    return this.firing || this.held.has('KeyF');
  }

  /** The movement class for the keys held now (0: standing). */
  movementClass(): number {
    const h = this.held;
    const forward = (h.has('KeyW') ? 1 : 0) - (h.has('KeyS') ? 1 : 0);
    const lateral = (h.has('KeyD') ? 1 : 0) - (h.has('KeyA') ? 1 : 0);
    if (forward === 0 && lateral === 0) return 0;
    const crouch = h.has('ControlLeft') || h.has('KeyC');
    const walk = h.has('ShiftLeft') || h.has('ShiftRight');
    const stature = crouch ? Stature.crouch : walk ? Stature.walk : Stature.run;
    const dir = Math.round(Math.atan2(lateral, forward) / ((2 * Math.PI) / MOVEMENT_DIRECTIONS));
    return movementClass(dir, stature, h.has('Space'));
  }
}

/** A decider that plays the human's keys for whichever agent it is given (the sandbox gives it one). */
export function humanDecider(input: HumanInput): Decider {
  return {
    name: 'human',
    decide(batch, actions) {
      const cls = input.movementClass();
      for (let i = 0; i < batch.count; i++) actions[i] = cls;
    },
  };
}

function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return t !== null && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
}
