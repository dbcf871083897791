/**
 * Running speed per weapon in Counter-Strike (units/s, what the game's item data gives each
 * weapon held, unscoped): a player with a rifle runs at 215–225, with a knife at 250. The
 * importer scales each player's velocity by the speed of the weapon in hand, so "run" means
 * running whatever is held, as tickmind's actuators have one run speed.
 */

/** The speed of a player holding nothing the table knows (the knife's). */
export const DEFAULT_RUN_SPEED = 250;

// Keys are normalized names: lower case, no "weapon_" prefix, no spaces, dashes or underscores.
// CS:GO demos give class names (weapon_hkp2000), CS2 demos display names (P2000): both appear.
const SPEEDS: Record<string, number> = {
  knife: 250,
  knifet: 250,
  bayonet: 250,
  c4: 250,
  c4explosive: 250,
  healthshot: 250,
  taser: 220,
  zeusx27: 220,
  hegrenade: 245,
  flashbang: 245,
  smokegrenade: 245,
  molotov: 245,
  incgrenade: 245,
  incendiarygrenade: 245,
  decoy: 245,
  decoygrenade: 245,
  highexplosivegrenade: 245,
  glock: 240,
  glock18: 240,
  hkp2000: 240,
  p2000: 240,
  uspsilencer: 240,
  usps: 240,
  p250: 240,
  fiveseven: 240,
  tec9: 240,
  cz75a: 240,
  elite: 240,
  dualberettas: 240,
  deagle: 230,
  deserteagle: 230,
  revolver: 180,
  r8revolver: 180,
  mac10: 240,
  mp9: 240,
  mp7: 220,
  mp5sd: 235,
  ump45: 230,
  p90: 230,
  bizon: 240,
  ppbizon: 240,
  nova: 220,
  xm1014: 215,
  mag7: 225,
  sawedoff: 210,
  m249: 195,
  negev: 150,
  galilar: 215,
  famas: 220,
  ak47: 215,
  m4a1: 225,
  m4a4: 225,
  m4a1silencer: 225,
  m4a1s: 225,
  sg556: 210,
  sg553: 210,
  aug: 220,
  ssg08: 230,
  awp: 200,
  g3sg1: 215,
  scar20: 215,
};

/** A weapon's running speed by its class name (weapon_ak47) or display name (AK-47); undefined when unknown. */
export function weaponRunSpeed(name: string): number | undefined {
  const key = name
    .toLowerCase()
    .replace(/^weapon_/, '')
    .replace(/[\s_\-.]/g, '');
  return SPEEDS[key];
}
