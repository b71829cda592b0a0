import type { Pass } from '../../../domain/pass';

/**
 * The public links of an issued pass (DESIGN.md, Public URLs): `download` is the signed package
 * (Passdock `download`, Skycore `DOWNLOADURL`), `landingPage` the page that hands iOS and macOS
 * Safari the pass and shows others a download link (Passdock `render_html_url`, Skycore `PASSLINK`).
 */
export interface PassLinks {
  download: string;
  landingPage: string;
}

export function passLinks(publicBaseUrl: string, pass: Pick<Pass, 'id' | 'webToken'>): PassLinks {
  return {
    download: `${publicBaseUrl}/passes/${pass.id}/${pass.webToken}.pkpass`,
    landingPage: `${publicBaseUrl}/p/${pass.id}/${pass.webToken}`,
  };
}
