// Every relative link of the packed Markdown files (README, docs/*.md) points at a file that is in
// the package: `npm pack --dry-run` lists the files (without `prepack`'s build: only the Markdown matters here), and each `[text](target)` that is not a URL
// or an anchor must name one of them. Links to the repository's other files (examples/, bench/,
// src/) would be dead in the tarball and on the npm page. And every packed guide (docs/*.md) is a
// typedoc project document (typedoc.json `projectDocuments`), so the reference renders it as a page
// and links to it open that page, not the raw file.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { dirname, join, normalize } = require('node:path');

const root = join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const [pack] = JSON.parse(
  execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
);
const files = new Set(pack.files.map((f) => f.path));
const LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

const dead = [];
for (const file of [...files].filter((f) => f.endsWith('.md'))) {
  const text = readFileSync(join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const [, target] of text.matchAll(LINK)) {
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    const path = normalize(join(dirname(file), target.split('#')[0])).replace(/\\/g, '/');
    if (!files.has(path)) dead.push(`${file}: (${target}) is not in the package`);
  }
}
const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8'));
const documents = new Set((typedoc.projectDocuments ?? []).map((d) => normalize(d).replace(/\\/g, '/')));
for (const file of files) {
  if (/^docs\/[^/]+\.md$/.test(file) && !documents.has(file))
    dead.push(`${file}: not in typedoc.json projectDocuments (the reference would link to the raw file)`);
}
if (dead.length > 0) {
  process.stderr.write(`${dead.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`pack-links: the links of ${files.size} packed files stay inside the package\n`);
