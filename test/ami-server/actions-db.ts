// DBPut, DBDel, DBGetTree (main/db.c): astdb keys are "/<family>/<key>";
// DBGetTree lists every key under a family with its full key, and answers an
// empty list (not an error) when there is none (checked in agreement.test.ts).
import { type ActionHandler, answer } from './action-types.ts';
import { header } from './framing.ts';
import { failure, listComplete, listItem, listStart, success } from './responses.ts';

const dbKey = (family: string, key: string) => `/${family}/${key}`;

export const dbPut: ActionHandler = (ctx, req) => {
  const family = header(req, 'Family');
  const key = header(req, 'Key');
  if (!family) return answer(failure(req, 'No family specified'));
  if (!key) return answer(failure(req, 'No key specified'));
  ctx.asterisk.state.db.set(dbKey(family, key), header(req, 'Val') ?? '');
  return answer(success(req, 'Updated database successfully'));
};

export const dbDel: ActionHandler = (ctx, req) => {
  const family = header(req, 'Family');
  const key = header(req, 'Key');
  if (!family) return answer(failure(req, 'No family specified.'));
  if (!key) return answer(failure(req, 'No key specified.'));
  if (!ctx.asterisk.state.db.delete(dbKey(family, key)))
    return answer(failure(req, 'Database entry could not be deleted'));
  return answer(success(req, 'Key deleted successfully'));
};

export const dbGetTree: ActionHandler = (ctx, req) => {
  const family = header(req, 'Family') ?? '';
  const key = header(req, 'Key') ?? '';
  const prefix = family ? (key ? dbKey(family, key) : `/${family}`) : '';
  const items = [...ctx.asterisk.state.db]
    .filter(([k]) => prefix === '' || k === prefix || k.startsWith(`${prefix}/`))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) =>
      listItem(
        req,
        'DBGetTreeResponse',
        [
          ['Key', k],
          ['Val', v],
        ],
        true,
      ),
    );
  return answer(
    listStart(req, 'Result will follow'),
    ...items,
    listComplete(req, 'DBGetTreeComplete', items.length),
  );
};

/** DBGet (main/db.c manager_dbget): one DBGetResponse (Family, Key, Val), or "Database entry not found". */
export const dbGet: ActionHandler = (ctx, req) => {
  const family = header(req, 'Family');
  const key = header(req, 'Key');
  if (!family) return answer(failure(req, 'No family specified.'));
  if (!key) return answer(failure(req, 'No key specified.'));
  const val = ctx.asterisk.state.db.get(dbKey(family, key));
  if (val === undefined) return answer(failure(req, 'Database entry not found'));
  return answer(
    listStart(req, 'Result will follow'),
    listItem(
      req,
      'DBGetResponse',
      [
        ['Family', family],
        ['Key', key],
        ['Val', val],
      ],
      true,
    ),
    listComplete(req, 'DBGetComplete', 1),
  );
};
