/**
 * The 3-D view: renderer, lights, the map, the figures, the rays, the waypoints and the camera — first person
 * for the human, a chase camera behind a followed bot, or a free orbit camera over the map. In replay mode
 * the arena's objects hide and a demo's {@link ReplayScene} is drawn instead, with the same cameras.
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { Sandbox } from '../game/sandbox.js';
import { createPose } from '../replay/demo-replay.js';
import { Stature } from '../sdk.js';
import { Figures, lerpAngle } from './figures.js';
import { buildMapView, type MapView } from './map-mesh.js';
import { RayView } from './rays.js';
import type { ReplayScene } from './replay-scene.js';
import { WaypointView } from './waypoints.js';

/** Camera modes. */
export type CameraMode = 'first-person' | 'follow' | 'free';

/** What to draw this frame. */
export interface ViewOptions {
  /** Camera mode (first person needs a live human). */
  camera: CameraMode;
  /** The followed entity (chase camera, ring, rays of one). */
  follow: number;
  /** Ray debug view: none, the followed player's, or everyone's. */
  rays: 'off' | 'followed' | 'all';
  /** Navigation view (lines to the next waypoint): none, the followed player's, or everyone's. */
  waypoints: 'off' | 'followed' | 'all';
}

/** The renderer and its scene (see the module comment). */
export class View {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.PerspectiveCamera(70, 1, 0.05, 400);
  readonly map: MapView;
  readonly figures: Figures;
  readonly rays: RayView;
  readonly waypoints: WaypointView;
  private readonly orbit: OrbitControls;
  private readonly chase = new THREE.Vector3();
  private readonly look = new THREE.Vector3();
  private lastMode: CameraMode | undefined;
  private replay: ReplayScene | undefined;

  constructor(
    readonly canvas: HTMLCanvasElement,
    sandbox: Sandbox,
  ) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true, powerPreference: 'high-performance' });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
    this.scene.background = new THREE.Color(0x9cc7e8);
    this.scene.fog = new THREE.Fog(0x9cc7e8, 60, 220);
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x8a7455, 1.6));
    const sun = new THREE.DirectionalLight(0xfff1d6, 1.6);
    sun.position.set(-40, 80, 30);
    this.scene.add(sun);
    const arena = sandbox.arena;
    this.map = buildMapView(arena.map);
    this.figures = new Figures(arena.world.capacity);
    const sensor = arena.world.sensors[0];
    this.rays = new RayView(arena.world.capacity * (sensor?.rays ?? 0));
    this.waypoints = new WaypointView(arena.world.capacity);
    this.scene.add(this.map.group, this.map.bomb, this.figures.group, this.rays.lines, this.waypoints.lines);
    this.orbit = new OrbitControls(this.camera, canvas);
    this.orbit.enableDamping = true;
    const b = arena.map.bounds;
    this.orbit.target.set((b[0]! + b[3]!) / 2, 0, (b[2]! + b[5]!) / 2);
    this.camera.position.set(this.orbit.target.x + 10, 95, this.orbit.target.z + 60);
    this.orbit.update();
    this.resize();
    window.addEventListener('resize', () => this.resize());
  }

  /** Shows a demo replay instead of the arena (undefined: back to the arena; the old replay is freed). */
  showReplay(scene: ReplayScene | undefined): void {
    if (this.replay !== undefined) {
      this.scene.remove(this.replay.group);
      this.replay.dispose();
    }
    this.replay = scene;
    if (scene !== undefined) this.scene.add(scene.group);
    for (const o of [this.figures.group, this.map.bomb, this.rays.lines, this.waypoints.lines]) o.visible = scene === undefined;
  }

  /**
   * Draws one frame of the replay shown: the camera follows player `follow` from above (a chase
   * camera would swing with every flick of a human's view, and dust2's corridors hide it), looks
   * through its eyes (first person), or orbits freely.
   */
  renderReplay(camera: CameraMode, follow: number): void {
    const replay = this.replay;
    if (replay === undefined) return;
    const pose = follow >= 0 ? replay.replay.pose(follow, this.replayPose) : undefined;
    const mode: CameraMode = pose?.alive === true ? camera : 'free';
    this.orbit.enabled = mode === 'free';
    if (pose === undefined || mode === 'free') this.orbit.update();
    else if (mode === 'first-person') this.eyeAt(pose.x, pose.y + (pose.crouched ? 1.15 : 1.6), pose.z, pose.yaw, 0);
    else this.overhead(pose.x, pose.y, pose.z);
    this.lastMode = mode;
    replay.update(this.camera, follow);
    this.renderer.render(this.scene, this.camera);
  }

  private readonly replayPose = createPose();

  /** Draws one frame, `alpha` of the way from the previous tick to the current one. */
  render(sandbox: Sandbox, alpha: number, options: ViewOptions): void {
    const w = sandbox.arena.world;
    const bomb = sandbox.arena.round.bomb;
    this.map.bomb.position.set(bomb[0]!, bomb[1]!, bomb[2]!);
    const blink = (sandbox.ticks % 64) / 64;
    const light = this.map.bomb.getObjectByName('light') as THREE.PointLight;
    light.intensity = sandbox.arena.round.over ? 0 : blink < 0.15 ? 4 : 0.6;
    const firstPerson = options.camera === 'first-person' && sandbox.humanAlive;
    const mode: CameraMode = firstPerson ? 'first-person' : options.camera === 'first-person' ? 'follow' : options.camera;
    this.orbit.enabled = mode === 'free';
    if (mode === 'free') this.orbit.update();
    else if (mode === 'first-person') this.placeFirstPerson(sandbox, alpha);
    else this.placeChase(sandbox, options.follow, alpha);
    this.lastMode = mode;
    this.figures.update(sandbox, alpha, this.camera, firstPerson ? sandbox.humanEntity : options.follow);
    this.rays.lines.visible = options.rays !== 'off';
    if (options.rays !== 'off') this.rays.update(w, options.rays === 'followed' ? options.follow : -1);
    this.waypoints.lines.visible = options.waypoints !== 'off';
    if (options.waypoints !== 'off') this.waypoints.update(w, options.waypoints === 'followed' ? options.follow : -1);
    this.renderer.render(this.scene, this.camera);
  }

  private placeFirstPerson(sandbox: Sandbox, alpha: number): void {
    const e = sandbox.humanEntity;
    const T = sandbox.arena.world.c.Transform;
    const p = sandbox.prev;
    const cls = sandbox.arena.world.c.Action.movement[e]!;
    const crouched = cls > 0 && Math.floor((cls - 1) / 16) % 3 === Stature.crouch;
    const eye = crouched ? 1.15 : 1.6;
    this.eyeAt(
      p[4 * e]! + (T.x[e]! - p[4 * e]!) * alpha,
      p[4 * e + 1]! + (T.y[e]! - p[4 * e + 1]!) * alpha + eye,
      p[4 * e + 2]! + (T.z[e]! - p[4 * e + 2]!) * alpha,
      sandbox.human.yaw,
      sandbox.human.pitch,
    );
  }

  /** The camera at an eye, looking along yaw and pitch. */
  private eyeAt(x: number, y: number, z: number, yaw: number, pitch: number): void {
    this.camera.position.set(x, y, z);
    this.look.set(Math.cos(yaw) * Math.cos(pitch), Math.sin(pitch), Math.sin(yaw) * Math.cos(pitch)).add(this.camera.position);
    this.camera.lookAt(this.look);
  }

  private placeChase(sandbox: Sandbox, e: number, alpha: number): void {
    const w = sandbox.arena.world;
    if (e < 0 || w.c.Agent.alive[e] !== 1) {
      this.orbit.update();
      return;
    }
    const T = w.c.Transform;
    const p = sandbox.prev;
    const x = p[4 * e]! + (T.x[e]! - p[4 * e]!) * alpha;
    const y = p[4 * e + 1]! + (T.y[e]! - p[4 * e + 1]!) * alpha;
    const z = p[4 * e + 2]! + (T.z[e]! - p[4 * e + 2]!) * alpha;
    this.chaseTo(x, y, z, lerpAngle(p[4 * e + 3]!, T.yaw[e]!, alpha));
  }

  /** A camera high above and south of (x, y, z), looking down at it (eased when it already follows nearby). */
  private overhead(x: number, y: number, z: number): void {
    this.chase.set(x, y + 16, z + 10);
    // A jump (a seek, another player followed) cuts; walking is followed smoothly.
    if (this.lastMode !== 'follow' || this.camera.position.distanceTo(this.chase) > 12) this.camera.position.copy(this.chase);
    else this.camera.position.lerp(this.chase, 0.15);
    this.look.set(x, y + 1, z);
    this.camera.lookAt(this.look);
  }

  /** The chase camera behind a player at (x, y, z) facing yaw (eased when it already chases). */
  private chaseTo(x: number, y: number, z: number, yaw: number): void {
    this.chase.set(x - Math.cos(yaw) * 7, y + 4, z - Math.sin(yaw) * 7);
    if (this.lastMode !== 'follow') this.camera.position.copy(this.chase);
    else this.camera.position.lerp(this.chase, 0.12);
    this.look.set(x + Math.cos(yaw) * 4, y + 1.2, z + Math.sin(yaw) * 4);
    this.camera.lookAt(this.look);
  }

  private resize(): void {
    const { clientWidth: w, clientHeight: h } = this.canvas;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / Math.max(1, h);
    this.camera.updateProjectionMatrix();
  }
}
