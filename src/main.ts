// Process entry of `npm start` and of the container: configuration errors exit 2 with one line.
import { ConfigError, loadConfig } from './config.js';
import { runService } from './cluster.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`configuration error: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
process.exit(await runService(config));
