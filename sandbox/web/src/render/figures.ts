/**
 * Players as readable figures: a capsule body in the team's colour, a head, a rifle that shows
 * the facing, a lower stance when crouching, a ring under the followed or human player, and a
 * health bar. Poses are interpolated between the last two ticks.
 */
import * as THREE from 'three';
import type { Sandbox } from '../game/sandbox.js';
import { Stature } from '../sdk.js';

/** Team colours: CT blue, T amber. */
export const TEAM_COLOURS = [0x3d7fe0, 0xe8a33a] as const;
/** The human player's colour (the arena's body, the replay's ring and marks). */
export const HUMAN_COLOUR = 0x35d07f;
/** The followed player's ring. */
export const RING_COLOUR = 0xffffff;

interface Figure {
  root: THREE.Group;
  body: THREE.Group;
  ring: THREE.Mesh;
  health: THREE.Mesh;
  materials: THREE.MeshLambertMaterial[];
}

/** Figures for every entity slot (reused across rounds). */
export class Figures {
  readonly group = new THREE.Group();
  private readonly figures: Figure[] = [];

  constructor(capacity: number) {
    const capsule = new THREE.CapsuleGeometry(0.28, 0.9, 4, 10);
    const head = new THREE.SphereGeometry(0.2, 12, 8);
    const rifle = new THREE.BoxGeometry(0.75, 0.08, 0.08);
    const ring = new THREE.RingGeometry(0.45, 0.6, 24).rotateX(-Math.PI / 2);
    const bar = new THREE.PlaneGeometry(0.8, 0.08);
    for (let e = 0; e < capacity; e++) {
      const bodyMat = new THREE.MeshLambertMaterial();
      const headMat = new THREE.MeshLambertMaterial({ color: 0xf1d2b0 });
      const root = new THREE.Group();
      const body = new THREE.Group();
      const torso = new THREE.Mesh(capsule, bodyMat);
      torso.position.y = 0.73;
      const h = new THREE.Mesh(head, headMat);
      h.position.y = 1.52;
      const gun = new THREE.Mesh(rifle, new THREE.MeshLambertMaterial({ color: 0x222222 }));
      gun.position.set(0.42, 1.2, 0.18);
      torso.castShadow = true;
      body.add(torso, h, gun);
      const ringMesh = new THREE.Mesh(ring, new THREE.MeshBasicMaterial({ color: 0xffffff, transparent: true, opacity: 0.8 }));
      ringMesh.position.y = 0.03;
      const health = new THREE.Mesh(bar, new THREE.MeshBasicMaterial({ color: 0x4ade80, side: THREE.DoubleSide }));
      health.position.y = 2.0;
      root.add(body, ringMesh, health);
      root.visible = false;
      this.group.add(root);
      this.figures.push({ root, body, ring: ringMesh, health, materials: [bodyMat] });
    }
  }

  /** Places every live player at `alpha` between its previous and current pose. */
  update(sandbox: Sandbox, alpha: number, camera: THREE.Camera, highlight: number): void {
    const w = sandbox.arena.world;
    const { Transform, Agent, Action } = w.c;
    this.hideAll();
    const p = sandbox.prev;
    for (let i = 0; i < w.agentCount; i++) {
      const e = w.agents[i]!;
      if (Agent.alive[e] === 0) continue;
      const cls = Action.movement[e]!;
      pose.x = lerp(p[4 * e]!, Transform.x[e]!, alpha);
      pose.y = lerp(p[4 * e + 1]!, Transform.y[e]!, alpha);
      pose.z = lerp(p[4 * e + 2]!, Transform.z[e]!, alpha);
      pose.yaw = lerpAngle(p[4 * e + 3]!, Transform.yaw[e]!, alpha);
      pose.crouched = cls > 0 && Math.floor((cls - 1) / 16) % 3 === Stature.crouch;
      pose.colour = e === sandbox.humanEntity ? HUMAN_COLOUR : TEAM_COLOURS[Agent.team[e]! as 0 | 1];
      pose.ring = e === highlight ? RING_COLOUR : -1;
      pose.health = Math.max(0, Agent.health[e]!) / 100;
      this.draw(e, pose, camera);
      // The human's own figure is hidden in first person (the camera is inside it).
      if (e === sandbox.humanEntity && highlight === e) this.figures[e]!.root.visible = false;
    }
  }

  /** Hides every figure (a frame then draws the ones in play). */
  hideAll(): void {
    for (const f of this.figures) f.root.visible = false;
  }

  /** Draws figure `e` at `pose` (its health bar facing `camera`). */
  draw(e: number, pose: FigurePose, camera: THREE.Camera): void {
    const f = this.figures[e];
    if (f === undefined) return;
    f.root.visible = true;
    f.root.position.set(pose.x, pose.y, pose.z);
    f.body.rotation.y = -pose.yaw;
    f.body.scale.y = pose.crouched ? 0.72 : 1;
    f.materials[0]!.color.setHex(pose.colour);
    f.ring.visible = pose.ring >= 0;
    if (pose.ring >= 0) (f.ring.material as THREE.MeshBasicMaterial).color.setHex(pose.ring);
    const hp = Math.min(1, Math.max(0, pose.health));
    f.health.scale.x = Math.max(0.02, hp);
    (f.health.material as THREE.MeshBasicMaterial).color.setHex(hp > 0.5 ? 0x4ade80 : hp > 0.25 ? 0xfacc15 : 0xef4444);
    f.health.position.y = pose.crouched ? 1.55 : 2.0;
    f.health.quaternion.copy(camera.quaternion);
  }

  /** Where figure `e` stands now (its feet), or undefined when it is hidden. */
  position(e: number): THREE.Vector3 | undefined {
    const f = this.figures[e];
    return f?.root.visible === true ? f.root.position : undefined;
  }
}

/** A figure's pose and look for one frame. */
export interface FigurePose {
  /** Feet, arena frame (m). */
  x: number;
  y: number;
  z: number;
  /** Facing, radians (0 along +x, toward +z). */
  yaw: number;
  crouched: boolean;
  /** Body colour. */
  colour: number;
  /** Ring colour under the figure, -1 for none. */
  ring: number;
  /** Health, 0..1. */
  health: number;
}

/** Scratch pose of {@link Figures.update}. */
const pose: FigurePose = { x: 0, y: 0, z: 0, yaw: 0, crouched: false, colour: 0, ring: -1, health: 1 };

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Interpolates angles the short way round. */
export function lerpAngle(a: number, b: number, t: number): number {
  let d = (b - a) % (2 * Math.PI);
  if (d > Math.PI) d -= 2 * Math.PI;
  if (d < -Math.PI) d += 2 * Math.PI;
  return a + d * t;
}
