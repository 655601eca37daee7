// Starts Sunshine: validates the configuration, builds the app, decides demo or production
// (src/startup.ts: seeds demo data into an empty database unless SUNSHINE_DEMO_DATA=off) and listens.
import { ConfigError, loadConfig, type Config } from './config.js';
import { buildApp } from './app.js';
import { prepareStart, StartRefused } from './startup.js';
import { makeDataPrivate } from './shared/private-files.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  makeDataPrivate(config.dataDir);
  const app = await buildApp(config);
  try {
    for (const line of await prepareStart(app, config)) console.log(line);
  } catch (err) {
    if (err instanceof StartRefused) {
      console.error(`Sunshine did not start: ${err.message}`);
      await app.close();
      process.exit(2);
    }
    throw err;
  }
  await app.listen({ port: config.port, host: config.host });
  console.log(`Sunshine is serving ${config.baseUrl}/ (data in ${config.dataDir})`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.close().then(() => process.exit(0), () => process.exit(1));
    });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
