/**
 * The map as three.js meshes, built from the arena map itself: one instanced box per floor slab
 * (the same slabs physics stands on; bombsites tinted) and per wall, labels over the bombsites,
 * and the planted bomb with a pulsing light.
 */
import * as THREE from 'three';
import { type ArenaMap, MAP_TAGS, mapBoxes } from '../../../arena/map/arena-map.js';

/** Floor colour, walls, bombsite floors. */
const FLOOR = new THREE.Color(0xd9c39a);
const WALL = new THREE.Color(0xc8ab78);
const SITE = new THREE.Color(0xe0806a);

/** The map's static meshes and the bomb (moved each round). */
export interface MapView {
  /** Everything static. */
  group: THREE.Group;
  /** The planted bomb (position set per round). */
  bomb: THREE.Group;
  /** Bombsite label positions by letter. */
  sites: Record<string, THREE.Vector3>;
}

/** Builds the meshes of `map`. */
export function buildMapView(map: ArenaMap): MapView {
  const group = new THREE.Group();
  const boxes = mapBoxes(map);
  const siteAreas = new Set<number>([...(map.places.BombsiteA ?? []), ...(map.places.BombsiteB ?? [])]);
  const floors = boxes.filter((b) => b.tag === MAP_TAGS.floor);
  const walls = boxes.filter((b) => b.tag === MAP_TAGS.wall);
  const yRange = Math.max(1e-3, map.bounds[4]! - map.bounds[1]!);
  const floorMesh = instancedBoxes(floors, new THREE.MeshLambertMaterial(), (i, c) => {
    const area = map.areas[i]!;
    c.copy(siteAreas.has(area.id) ? SITE : FLOOR);
    // Higher floors a little lighter: height reads at a glance from above.
    c.offsetHSL(0, 0, ((floors[i]!.max[1]! - map.bounds[1]!) / yRange - 0.5) * 0.16);
  });
  floorMesh.receiveShadow = true;
  const wallMesh = instancedBoxes(walls, new THREE.MeshLambertMaterial(), (i, c) => {
    c.copy(WALL).offsetHSL(0, 0, ((i * 7919) % 13) / 13 / 25 - 0.02);
  });
  // A ground under everything: the gaps between floor slabs at different heights read as ground, not sky.
  const b = map.bounds;
  const ground = new THREE.Mesh(
    new THREE.PlaneGeometry(b[3]! - b[0]! + 200, b[5]! - b[2]! + 200),
    new THREE.MeshLambertMaterial({ color: 0x9c8460 }),
  );
  ground.rotation.x = -Math.PI / 2;
  ground.position.set((b[0]! + b[3]!) / 2, b[1]! - 0.6, (b[2]! + b[5]!) / 2);
  group.add(ground, floorMesh, wallMesh);
  const sites: Record<string, THREE.Vector3> = {};
  for (const letter of ['A', 'B']) {
    const ids = map.places[`Bombsite${letter}`];
    if (ids === undefined || ids.length === 0) continue;
    const c = new THREE.Vector3();
    for (const id of ids) {
      const a = map.areas.find((x) => x.id === id)!;
      c.add(new THREE.Vector3((a.minX + a.maxX) / 2, Math.max(a.yA, a.yB), (a.minZ + a.maxZ) / 2));
    }
    c.divideScalar(ids.length);
    c.y += 6;
    sites[letter] = c;
    const label = textSprite(letter, '#ffffff', 'rgba(190,40,30,0.85)');
    label.position.copy(c);
    label.scale.set(3, 3, 1);
    group.add(label);
  }
  return { group, bomb: bombMesh(), sites };
}

function instancedBoxes(
  boxes: { min: number[]; max: number[] }[],
  material: THREE.Material,
  colour: (i: number, c: THREE.Color) => void,
): THREE.InstancedMesh {
  const mesh = new THREE.InstancedMesh(new THREE.BoxGeometry(1, 1, 1), material, boxes.length);
  const m = new THREE.Matrix4();
  const c = new THREE.Color();
  boxes.forEach((b, i) => {
    m.makeScale(b.max[0]! - b.min[0]!, b.max[1]! - b.min[1]!, b.max[2]! - b.min[2]!);
    m.setPosition((b.min[0]! + b.max[0]!) / 2, (b.min[1]! + b.max[1]!) / 2, (b.min[2]! + b.max[2]!) / 2);
    mesh.setMatrixAt(i, m);
    colour(i, c);
    mesh.setColorAt(i, c);
  });
  mesh.instanceMatrix.needsUpdate = true;
  if (mesh.instanceColor !== null) mesh.instanceColor.needsUpdate = true;
  return mesh;
}

function bombMesh(): THREE.Group {
  const g = new THREE.Group();
  const body = new THREE.Mesh(new THREE.BoxGeometry(0.45, 0.18, 0.3), new THREE.MeshLambertMaterial({ color: 0x2d2a26 }));
  body.position.y = 0.09;
  const led = new THREE.Mesh(new THREE.SphereGeometry(0.05, 8, 6), new THREE.MeshBasicMaterial({ color: 0xff2a1a }));
  led.position.set(0.12, 0.2, 0);
  led.name = 'led';
  const light = new THREE.PointLight(0xff3322, 2, 6);
  light.position.y = 0.5;
  light.name = 'light';
  g.add(body, led, light);
  return g;
}

/** A camera-facing text label. */
export function textSprite(text: string, colour: string, background: string): THREE.Sprite {
  const canvas = document.createElement('canvas');
  canvas.width = 128;
  canvas.height = 128;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.beginPath();
  ctx.arc(64, 64, 60, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = colour;
  ctx.font = 'bold 80px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, 64, 70);
  const texture = new THREE.CanvasTexture(canvas);
  return new THREE.Sprite(new THREE.SpriteMaterial({ map: texture, depthTest: false }));
}
