// The notice of processing for reporters (issue 15, defect 6). The short notice on the report form
// and the tracking page is the partial views/privacy/partials/short-notice.hbs.
export { privacyRoutes } from './routes.js';
