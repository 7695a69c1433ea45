import { loadConfig } from '../../core/config.ts';
import { createServices } from '../../app/services.ts';
import { createHttpApp } from '../../http/app.ts';
import { startControlSocket } from '../../control/socket-server.ts';
import { startScheduler } from '../../jobs/scheduler.ts';
import { JOBS } from '../../jobs/registry.ts';
import { ensureDemoTenant } from '../../demo/demo-tenant.ts';
import { importDemoEvents } from '../../demo/demo-import.ts';
import { demoSignIn, demoSignInText } from '../../demo/demo-sign-in.ts';
import { OULAD_ATTRIBUTION, ouladAvailable } from '../../demo/oulad-demo.ts';
import type { Command } from '../command.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the Ebb server',
  usage: 'ebb serve [--data-dir DIR] [--host H] [--port P] [--demo]',
  async run(args) {
    const config = loadConfig(args.flags);
    const s = await createServices(config);
    const { app } = await createHttpApp(s);
    const address = await app.listen({ host: config.host, port: config.port });
    const control = await startControlSocket(s);
    const scheduler = startScheduler(s, JOBS);
    // Export and erasure jobs: one left running by a killed process is restarted first.
    s.rights.worker.start();
    await s.salts.rotate();
    const url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
    s.logger.info({ url, dataDir: config.dataDir }, 'Ebb is listening');
    process.stdout.write(`Ebb is running at ${url}  (API docs: ${url}/docs, health: ${url}/api/v1/health)\nData directory: ${config.dataDir}\n`);
    if (args.flags.demo === true) {
      const demo = await ensureDemoTenant(s, url);
      process.stdout.write(`${demo.created ? 'Created the demo tenant; its' : 'Demo tenant'} credentials: ${demo.file}\n`);
      process.stdout.write(demoSignInText(demoSignIn(demo.file, url)));
      if (demo.created && demo.serverKey) {
        if (ouladAvailable()) {
          process.stdout.write(`Importing the demo's learning activity (real OULAD data, CC BY 4.0, with synthetic platform activity around it) in the background...\n`);
          importDemoEvents(s, demo.serverKey).then(
            (r) => process.stdout.write(
              `Demo data ready: ${r.accepted} events in ${r.seconds} s: ${r.real} from the real OULAD presentation AAA 2013J and ${r.synthetic} SYNTHETIC `
              + `(quests, badges, mastery checks, IEP goals and errors made up around the real learners, marked props.synthetic). ${OULAD_ATTRIBUTION}\n`,
            ),
            (err: unknown) => s.logger.error({ err }, 'the demo data import failed; the demo tenant has no data'),
          );
        } else {
          process.stdout.write('The OULAD data set (../shared/data/oulad) is not beside this checkout: the demo tenant starts empty.\n');
        }
      }
    }

    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      s.logger.info({ signal }, 'stopping: finishing queued writes');
      scheduler.stop();
      await control.close();
      await app.close();
      await s.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    await new Promise(() => {});
    return 0;
  },
};
