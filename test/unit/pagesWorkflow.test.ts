// The GitHub Pages workflow (.github/workflows/pages.yml) cannot run here; this checks what can be
// checked without GitHub: valid YAML, the standard upload-pages-artifact + deploy-pages pair wired as
// Pages requires (permissions, environment, the deploy after the build), and that every command it runs
// exists in this repository (npm scripts in package.json, the site folder Vite writes).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
interface Step { uses?: string; run?: string; with?: Record<string, unknown>; id?: string }
interface Job { 'runs-on': string; container?: string; needs?: string | string[]; steps: Step[]; environment?: { name: string; url: string } }
interface Workflow { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> }

const text = readFileSync(path.join(ROOT, '.github/workflows/pages.yml'), 'utf8');
const wf = parse(text, { strict: true, uniqueKeys: true }) as Workflow;
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('.github/workflows/pages.yml', () => {
  it('runs on pushes to main and by hand', () => {
    expect(wf.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null });
  });

  it('has the permissions deploy-pages needs, and no more', () => {
    expect(wf.permissions).toEqual({ contents: 'read', pages: 'write', 'id-token': 'write' });
  });

  it('builds, then deploys the built site with the standard pair of actions', () => {
    expect(Object.keys(wf.jobs)).toEqual(['build', 'deploy']);
    const { build, deploy } = wf.jobs;
    const upload = build.steps.find((s) => s.uses?.startsWith('actions/upload-pages-artifact@'));
    expect(upload?.with).toEqual({ path: 'dist' });
    expect(build.steps.at(-1)).toBe(upload);
    expect(deploy.needs).toBe('build');
    expect(deploy.environment).toEqual({ name: 'github-pages', url: '${{ steps.deployment.outputs.page_url }}' });
    expect(deploy.steps).toEqual([{ id: 'deployment', uses: 'actions/deploy-pages@v4' }]);
  });

  it('runs only commands this repository has', () => {
    const runs = wf.jobs.build.steps.flatMap((s) => (s.run ? s.run.trim().split('\n') : []));
    const npmRuns = runs.filter((r) => r.startsWith('npm run '));
    expect(npmRuns.length).toBeGreaterThan(0);
    for (const r of npmRuns) expect(pkg.scripts, r).toHaveProperty(r.split(' ')[2]);
    // The build writes Vite's default outDir, which is what is uploaded.
    expect(pkg.scripts.build).toMatch(/vite build$/);
    expect(runs).toContain('npm ci --no-audit --no-fund');
    // Fashion-MNIST comes from the Debian package the prepare step reads (src/cli/fashionMnistNode.ts).
    expect(wf.jobs.build.container).toMatch(/bookworm/);
    expect(runs.join('\n')).toContain('apt-get install -y -qq dataset-fashion-mnist');
  });
});
