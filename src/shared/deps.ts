import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import type { StorageDirs } from '../evidence/index.js';
import type { Keys } from '../plugins/keys.js';
import type { Mailer } from '../plugins/mail.js';
import type { PublicCache } from '../plugins/public-cache.js';

/** What services need, passed explicitly so that service tests start no server. */
export interface Deps {
  db: Db;
  keys: Keys;
  dirs: StorageDirs;
  mailer: Mailer;
  config: Config;
  /** Call invalidate() after any change to what public pages show. */
  publicCache: PublicCache;
}
