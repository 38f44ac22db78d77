import { routeHandlers } from '../../../../lib/bettermode';

/** GET …/session, POST …/login, …/logout and …/graphql: what `<BettermodeProvider server>` calls. */
export const { GET, POST } = routeHandlers;
