import { ResourceView } from "../../types";

/** A read replica inherits backups, Multi-AZ choices and the master user from its source. */
export const isReplica = (db: ResourceView): boolean => db.config.replicate_source_db !== undefined;

/** Replicas leave `engine` out: they run their source's engine, which in this project is PostgreSQL. */
export function isPostgres(db: ResourceView): boolean {
  const engine = db.config.engine;
  return engine === undefined ? isReplica(db) : typeof engine === "string" && engine.startsWith("postgres");
}
