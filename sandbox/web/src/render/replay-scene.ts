/**
 * A demo replay drawn on the map: every player as a figure at its recorded position (team
 * colours, dead players hidden), its view direction as a line and a translucent cone at eye
 * height, its name above it, and the humans marked — a green ring, a green view and their path
 * through the current round.
 */
import * as THREE from 'three';
import { createPose, type DemoReplay } from '../replay/demo-replay.js';
import { demoPosition } from '../sdk.js';
import { type FigurePose, Figures, HUMAN_COLOUR, RING_COLOUR, TEAM_COLOURS } from './figures.js';

/** Length of a view line (m), the cone's length and half-angle, and the eye height they start from. */
const VIEW_LENGTH = 6;
const CONE_LENGTH = 4;
const CONE_HALF = (20 * Math.PI) / 180;
const EYE = 1.5;
const CROUCH_EYE = 1.1;

/** The replay's objects in the 3-D scene (see the module comment). */
export class ReplayScene {
  readonly group = new THREE.Group();
  /** The tick the last frame drew (NaN before the first). */
  drawnTick = Number.NaN;
  private readonly figures: Figures;
  private readonly view: THREE.LineSegments;
  private readonly cones: THREE.Mesh;
  private readonly path: THREE.Line;
  private readonly labels: THREE.Sprite[] = [];
  private readonly pose = createPose();
  private readonly figurePose: FigurePose = { x: 0, y: 0, z: 0, yaw: 0, crouched: false, colour: 0, ring: -1, health: 1 };
  private pathRound = -2;

  constructor(readonly replay: DemoReplay) {
    const rec = replay.recording;
    const n = rec.players.length;
    this.figures = new Figures(n);
    const lines = new THREE.BufferGeometry();
    lines.setAttribute('position', new THREE.BufferAttribute(new Float32Array(6 * n), 3));
    lines.setAttribute('color', new THREE.BufferAttribute(new Float32Array(6 * n), 3));
    this.view = new THREE.LineSegments(lines, new THREE.LineBasicMaterial({ vertexColors: true }));
    this.view.frustumCulled = false;
    const cones = new THREE.BufferGeometry();
    cones.setAttribute('position', new THREE.BufferAttribute(new Float32Array(9 * n), 3));
    cones.setAttribute('color', new THREE.BufferAttribute(new Float32Array(9 * n), 3));
    const coneMaterial = new THREE.MeshBasicMaterial({
      vertexColors: true,
      transparent: true,
      opacity: 0.3,
      side: THREE.DoubleSide,
      depthWrite: false,
    });
    this.cones = new THREE.Mesh(cones, coneMaterial);
    this.cones.frustumCulled = false;
    const path = new THREE.BufferGeometry();
    // The longest path: every recorded row of one human.
    path.setAttribute('position', new THREE.BufferAttribute(new Float32Array(3 * rec.frames.count), 3));
    this.path = new THREE.Line(path, new THREE.LineBasicMaterial({ color: HUMAN_COLOUR, transparent: true, opacity: 0.75 }));
    this.path.frustumCulled = false;
    for (const [i, p] of rec.players.entries()) {
      const label = nameSprite(p.bot ? p.name : `human · ${p.name}`, p.bot ? '#e5e7eb' : '#86efac');
      this.labels[i] = label;
      this.group.add(label);
    }
    this.group.add(this.figures.group, this.view, this.cones, this.path);
  }

  /** Where player p's figure stands as drawn (its feet), or null while hidden (dead). */
  figureAt(p: number): [number, number, number] | null {
    const at = this.figures.position(p);
    return at === undefined ? null : [at.x, at.y, at.z];
  }

  /** Places everything at the replay's tick; `follow` gets a white ring (a human's stays green). */
  update(camera: THREE.Camera, follow: number): void {
    const replay = this.replay;
    const n = replay.recording.players.length;
    const human = new Set(replay.humans);
    const lines = this.view.geometry.getAttribute('position') as THREE.BufferAttribute;
    const colours = this.view.geometry.getAttribute('color') as THREE.BufferAttribute;
    const cone = this.cones.geometry.getAttribute('position') as THREE.BufferAttribute;
    const coneColours = this.cones.geometry.getAttribute('color') as THREE.BufferAttribute;
    const colour = new THREE.Color();
    this.figures.hideAll();
    let segments = 0;
    for (let p = 0; p < n; p++) {
      const s = replay.pose(p, this.pose);
      const label = this.labels[p]!;
      label.visible = s.alive;
      if (!s.alive) continue;
      const fp = this.figurePose;
      fp.x = s.x;
      fp.y = s.y;
      fp.z = s.z;
      fp.yaw = s.yaw;
      fp.crouched = s.crouched;
      fp.colour = TEAM_COLOURS[s.side];
      fp.ring = human.has(p) ? HUMAN_COLOUR : p === follow ? RING_COLOUR : -1;
      fp.health = s.health / 100;
      this.figures.draw(p, fp, camera);
      label.position.set(s.x, s.y + (s.crouched ? 1.85 : 2.3), s.z);
      const eye = s.y + (s.crouched ? CROUCH_EYE : EYE);
      lines.setXYZ(2 * segments, s.x, eye, s.z);
      lines.setXYZ(2 * segments + 1, s.x + Math.cos(s.yaw) * VIEW_LENGTH, eye, s.z + Math.sin(s.yaw) * VIEW_LENGTH);
      colour.setHex(human.has(p) ? HUMAN_COLOUR : TEAM_COLOURS[s.side]);
      colours.setXYZ(2 * segments, colour.r, colour.g, colour.b);
      colours.setXYZ(2 * segments + 1, colour.r, colour.g, colour.b);
      cone.setXYZ(3 * segments, s.x, eye, s.z);
      for (const [k, side] of [-1, 1].entries()) {
        const a = s.yaw + side * CONE_HALF;
        cone.setXYZ(3 * segments + 1 + k, s.x + Math.cos(a) * CONE_LENGTH, eye, s.z + Math.sin(a) * CONE_LENGTH);
      }
      for (let k = 0; k < 3; k++) coneColours.setXYZ(3 * segments + k, colour.r, colour.g, colour.b);
      segments++;
    }
    for (const a of [lines, colours, cone, coneColours]) a.needsUpdate = true;
    this.view.geometry.setDrawRange(0, 2 * segments);
    this.cones.geometry.setDrawRange(0, 3 * segments);
    this.updatePath();
    this.drawnTick = replay.tick;
  }

  /** Frees the GPU resources (leaving the replay). */
  dispose(): void {
    this.group.traverse((o) => {
      const m = o as THREE.Mesh;
      m.geometry?.dispose();
      const mat = m.material as THREE.Material | THREE.Material[] | undefined;
      for (const x of Array.isArray(mat) ? mat : mat !== undefined ? [mat] : []) {
        (x as THREE.SpriteMaterial).map?.dispose();
        x.dispose();
      }
    });
  }

  /** The first human's path through the current round (rebuilt when the round changes). */
  private updatePath(): void {
    const replay = this.replay;
    const round = replay.round;
    if (round === this.pathRound) return;
    this.pathRound = round;
    const h = replay.humans[0];
    const r = replay.recording.rounds[round];
    const f = replay.recording.frames;
    const n = replay.recording.players.length;
    const positions = this.path.geometry.getAttribute('position') as THREE.BufferAttribute;
    let k = 0;
    if (h !== undefined && r !== undefined) {
      const at = new Float32Array(3);
      for (let row = 0; row < f.count; row++) {
        const t = f.ticks[row]!;
        if (t < r.start || t > r.end || f.alive[row * n + h] !== 1) continue;
        // The recorded feet, 5 cm up (over the floor).
        demoPosition(f, row * n + h, at);
        positions.setXYZ(k++, at[0]!, at[1]! + 0.05, at[2]!);
      }
    }
    positions.needsUpdate = true;
    this.path.geometry.setDrawRange(0, k);
    this.path.visible = k > 1;
  }
}

/** A name above a figure: text on a canvas texture, always facing the camera. */
function nameSprite(text: string, colour: string): THREE.Sprite {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 48;
  const ctx = canvas.getContext('2d');
  if (ctx !== null) {
    ctx.fillStyle = 'rgba(11, 18, 32, 0.7)';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.font = '600 24px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = colour;
    ctx.fillText(text.length > 26 ? `${text.slice(0, 25)}…` : text, canvas.width / 2, canvas.height / 2, canvas.width - 8);
  }
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: new THREE.CanvasTexture(canvas), depthTest: false }));
  sprite.scale.set(2.6, 0.39, 1);
  sprite.renderOrder = 2;
  return sprite;
}
