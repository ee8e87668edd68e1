/**
 * A stand-in for IM2GPS3K as a user has it on disk, for the docs' "evaluate your own model"
 * walkthrough: `im2gps3k/im2gps3k_places365.csv` (the real header) with six photos of famous
 * places in `im2gps3k/images`, a stub `my_model.py` whose `predict` answers in the forms models
 * write (Geo-R JSON in `<answer>`, a Python dict with LOC, `(lat, lon)`, `[Lat. x, Long. y]`, and
 * one unreadable answer), GeoCLIP-style predictions in `geoclip-im2gps3k.csv`, and a copy of the
 * Python client, as the docs tell users to make.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";

const HEADER = "IMG_ID,AUTHOR,LAT,LON,S3_Label,S16_Label,S365_Label,Prob_indoor,Prob_natural,Prob_urban";

/** [IMG_ID, lat, lon, what the stub model answers]. */
const PHOTOS: Array<[string, number, number, string]> = [
  [
    "1000269685_e60e9cdfb4_1125_78841376@N00.jpg",
    48.8584,
    2.2945,
    '<think>Haussmann façades, a wrought-iron tower.</think><answer>{"Country": "France", "State": "Île-de-France", "City": "Paris", "Coordinates": [48.8584, 2.2945]}</answer>',
  ],
  [
    "1005977048_5ccf8b05d3_1201_91728102@N00.jpg",
    40.758,
    -73.9855,
    '<answer>{"Country": "United States", "State": "New York", "City": "New York", "Coordinates": [40.71, -74.0]}</answer>',
  ],
  ["1008804117_ce4e6fef8a_1349_97522422@N00.jpg", 35.6595, 139.7005, "It looks like Shibuya: (35.6595, 139.7005)"],
  [
    "1021054395_ca7cfe55b3_1061_7132415@N03.jpg",
    -33.8568,
    151.2153,
    "{'Country': 'Australia', 'LOC': [-33.87, 151.21]}",
  ],
  ["1034536183_8c3c4e1d2f_1323_41894168@N01.jpg", -22.9519, -43.2105, "I cannot tell where this photo was taken."],
  ["1045873914_2f5a6b7c8d_1045_12345678@N05.jpg", 29.9792, 31.1342, "[Lat. 29.98, Long. 31.13]"],
];

export const IM2GPS3K_PHOTOS = PHOTOS.length;
/** The stub's answers with no readable coordinate. */
export const IM2GPS3K_UNPARSED = 1;

/** Writes the stand-in into `dir`. */
export async function writeIm2gps3kFixture(dir: string): Promise<void> {
  const images = path.join(dir, "im2gps3k", "images");
  mkdirSync(images, { recursive: true });
  const rows = PHOTOS.map(([id, lat, lon]) => `${id},flickr_user,${lat},${lon},1,5,231,0.05,0.3,0.65`);
  writeFileSync(path.join(dir, "im2gps3k", "im2gps3k_places365.csv"), `${[HEADER, ...rows].join("\n")}\n`);
  await Promise.all(
    PHOTOS.map(([id], i) =>
      sharp({ create: { width: 48, height: 36, channels: 3, background: { r: 40 * i, g: 120, b: 200 - 30 * i } } })
        .jpeg()
        .toFile(path.join(images, id)),
    ),
  );
  const answers = Object.fromEntries(PHOTOS.map(([id, , , answer]) => [id, answer]));
  writeFileSync(
    path.join(dir, "my_model.py"),
    `"""A stub model: answers by file name."""\nimport json, os\n\nANSWERS = json.loads(${JSON.stringify(JSON.stringify(answers))})\n\n\ndef predict(image_path):\n    return ANSWERS[os.path.basename(image_path)]\n`,
  );
  const geoclip = PHOTOS.map(
    ([id, lat, lon], i) => `${id},${lat + 0.05 * i},${lon - 0.1 * i},${(0.9 - 0.1 * i).toFixed(2)}`,
  );
  writeFileSync(path.join(dir, "geoclip-im2gps3k.csv"), `IMG_ID,pred_lat,pred_lon,prob\n${geoclip.join("\n")}\n`);
  copyFileSync(
    fileURLToPath(new URL("../../../clients/python/geor_client.py", import.meta.url)),
    path.join(dir, "geor_client.py"),
  );
}
