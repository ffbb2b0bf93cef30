// The IAM tables, registered in the store's migration list (migrations.ts), so one Migrator (and
// its lock) brings both parts of the schema up to date. Append migrations; never edit applied ones.
//
// Foreign keys keep rows from outliving what they belong to; none cascades, because IAM answers
// DeleteConflict instead of silently deleting (the store checks first, the keys are the backstop).
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialectName } from './dialect.js';

export function iamMigrations(dialect: SqlDialectName): Record<string, Migration> {
  const pg = dialect === 'postgres';
  // Byte-order keys, like the metadata tables, so listings are ordered the same on both databases.
  const key = pg ? sql`text collate "C"` : sql`text collate binary`;
  const int64 = pg ? 'bigint' : 'integer';

  return {
    '0002_iam': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('iam_generation')
          .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
          .addColumn('value', int64, (c) => c.notNull())
          .execute();
        await db
          .insertInto('iam_generation' as never)
          .values({ id: 1, value: 0 } as never)
          .execute();

        await db.schema
          .createTable('iam_accounts')
          .addColumn('id', key, (c) => c.primaryKey().notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', int64, (c) => c.notNull())
          .execute();

        // Managed policies come first: users and roles reference them as boundaries.
        await db.schema
          .createTable('iam_policies')
          .addColumn('id', key, (c) => c.primaryKey().notNull())
          .addColumn('account', key, (c) => c.notNull().references('iam_accounts.id'))
          .addColumn('name_key', key, (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('default_version', 'integer', (c) => c.notNull())
          .addColumn('next_version', 'integer', (c) => c.notNull())
          .addColumn('description', 'text')
          .addColumn('created_at', int64, (c) => c.notNull())
          .addColumn('updated_at', int64, (c) => c.notNull())
          .addUniqueConstraint('iam_policies_name', ['account', 'name_key'])
          .execute();
        await db.schema
          .createTable('iam_policy_versions')
          .addColumn('policy_id', key, (c) => c.notNull().references('iam_policies.id'))
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('document', 'text', (c) => c.notNull())
          .addColumn('created_at', int64, (c) => c.notNull())
          .addPrimaryKeyConstraint('iam_policy_versions_pk', ['policy_id', 'version'])
          .execute();

        for (const table of ['iam_users', 'iam_roles'] as const) {
          let b = db.schema
            .createTable(table)
            .addColumn('id', key, (c) => c.primaryKey().notNull())
            .addColumn('account', key, (c) => c.notNull().references('iam_accounts.id'))
            .addColumn('name_key', key, (c) => c.notNull())
            .addColumn('name', 'text', (c) => c.notNull())
            .addColumn('path', 'text', (c) => c.notNull())
            .addColumn('created_at', int64, (c) => c.notNull())
            .addColumn('tags', 'text', (c) => c.notNull())
            .addColumn('boundary_policy_id', key, (c) => c.references('iam_policies.id'))
            .addUniqueConstraint(`${table}_name`, ['account', 'name_key']);
          if (table === 'iam_roles') {
            b = b
              .addColumn('trust_policy', 'text', (c) => c.notNull())
              .addColumn('max_session_duration', 'integer', (c) => c.notNull())
              .addColumn('description', 'text');
          }
          await b.execute();
          await db.schema
            .createIndex(`${table}_by_boundary`)
            .on(table)
            .column('boundary_policy_id')
            .execute();
        }

        await db.schema
          .createTable('iam_groups')
          .addColumn('id', key, (c) => c.primaryKey().notNull())
          .addColumn('account', key, (c) => c.notNull().references('iam_accounts.id'))
          .addColumn('name_key', key, (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('created_at', int64, (c) => c.notNull())
          .addUniqueConstraint('iam_groups_name', ['account', 'name_key'])
          .execute();
        await db.schema
          .createTable('iam_group_members')
          .addColumn('group_id', key, (c) => c.notNull().references('iam_groups.id'))
          .addColumn('user_id', key, (c) => c.notNull().references('iam_users.id'))
          .addPrimaryKeyConstraint('iam_group_members_pk', ['group_id', 'user_id'])
          .execute();
        await db.schema
          .createIndex('iam_group_members_by_user')
          .on('iam_group_members')
          .column('user_id')
          .execute();

        // entity_id names a user, group or role (by kind): no single foreign key can say that.
        await db.schema
          .createTable('iam_attachments')
          .addColumn('entity_kind', 'text', (c) => c.notNull())
          .addColumn('entity_id', key, (c) => c.notNull())
          .addColumn('policy_id', key, (c) => c.notNull().references('iam_policies.id'))
          .addPrimaryKeyConstraint('iam_attachments_pk', ['entity_kind', 'entity_id', 'policy_id'])
          .execute();
        await db.schema
          .createIndex('iam_attachments_by_policy')
          .on('iam_attachments')
          .column('policy_id')
          .execute();
        await db.schema
          .createTable('iam_inline_policies')
          .addColumn('entity_kind', 'text', (c) => c.notNull())
          .addColumn('entity_id', key, (c) => c.notNull())
          .addColumn('name_key', key, (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('document', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('iam_inline_policies_pk', ['entity_kind', 'entity_id', 'name_key'])
          .execute();

        await db.schema
          .createTable('iam_access_keys')
          .addColumn('access_key_id', key, (c) => c.primaryKey().notNull())
          .addColumn('account', key, (c) => c.notNull().references('iam_accounts.id'))
          .addColumn('user_id', key, (c) => c.references('iam_users.id'))
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_at', int64, (c) => c.notNull())
          .addColumn('last_used_at', int64)
          .addColumn('last_used_service', 'text')
          .addColumn('last_used_region', 'text')
          .execute();
        await db.schema
          .createIndex('iam_access_keys_by_owner')
          .on('iam_access_keys')
          .columns(['account', 'user_id'])
          .execute();

        await db.schema
          .createTable('iam_organization')
          .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('root_id', key, (c) => c.notNull())
          .addColumn('management_account', key, (c) => c.references('iam_accounts.id'))
          .addColumn('created_at', int64, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('iam_org_units')
          .addColumn('id', key, (c) => c.primaryKey().notNull())
          .addColumn('parent_id', key, (c) => c.notNull())
          .addColumn('name_key', key, (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', int64, (c) => c.notNull())
          .addUniqueConstraint('iam_org_units_name', ['parent_id', 'name_key'])
          .execute();
        await db.schema
          .createTable('iam_org_accounts')
          .addColumn('account', key, (c) => c.primaryKey().notNull().references('iam_accounts.id'))
          .addColumn('parent_id', key, (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('iam_org_accounts_by_parent')
          .on('iam_org_accounts')
          .column('parent_id')
          .execute();
        await db.schema
          .createTable('iam_org_policies')
          .addColumn('id', key, (c) => c.primaryKey().notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text')
          .addColumn('document', 'text', (c) => c.notNull())
          .addColumn('aws_managed', 'integer', (c) => c.notNull())
          .addColumn('created_at', int64, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('iam_org_policy_targets')
          .addColumn('policy_id', key, (c) => c.notNull().references('iam_org_policies.id'))
          .addColumn('target_id', key, (c) => c.notNull())
          .addPrimaryKeyConstraint('iam_org_policy_targets_pk', ['policy_id', 'target_id'])
          .execute();
        await db.schema
          .createIndex('iam_org_policy_targets_by_target')
          .on('iam_org_policy_targets')
          .column('target_id')
          .execute();

        await db.schema
          .createTable('iam_bootstrap')
          .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('applied_at', int64, (c) => c.notNull())
          .execute();
      },
    },
  };
}
