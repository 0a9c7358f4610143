import { AQI_TABLES, aqiOf, aqiOfMetric, truncate } from '../../functions/core/air-quality/aqi';

/**
 * US EPA AQI, EPA-454/B-24-002 (Technical Assistance Document for the Reporting of Daily Air
 * Quality, May 2024): Table 6 breakpoints, Equation 1, truncation before the index. The worked
 * examples of the document (PM2.5 35.9 µg/m³ -> 102, 8-hour O3 0.07853 ppm -> 126, CO 8.4 ppm -> 90)
 * fall in bands the 2024 revision left unchanged, so their answers still hold.
 */

describe('US EPA AQI (May 2024 breakpoints)', () => {
  it('reproduces the worked examples of the EPA technical assistance document', () => {
    expect(aqiOf(AQI_TABLES.pm2_5, 35.9)).toBe(102);
    expect(aqiOf(AQI_TABLES.o3_8h, 0.07853)).toBe(126); // truncated to 0.078 first
    expect(aqiOf(AQI_TABLES.co, 8.4)).toBe(90);
  });

  it('PM2.5 uses the 2024 Good breakpoint of 9.0 µg/m³ and truncates to one decimal before the index', () => {
    expect(aqiOf(AQI_TABLES.pm2_5, 0)).toBe(0);
    expect(aqiOf(AQI_TABLES.pm2_5, 9.0)).toBe(50);
    expect(aqiOf(AQI_TABLES.pm2_5, 9.09)).toBe(50); // 9.0 after truncation, not 9.1
    expect(aqiOf(AQI_TABLES.pm2_5, 9.1)).toBe(51);
    expect(aqiOf(AQI_TABLES.pm2_5, 12.0)).toBe(56); // 49/26.3 x 2.9 + 51 = 56.4; the 2012 table said 50
    expect(aqiOf(AQI_TABLES.pm2_5, 35.4)).toBe(100);
    expect(aqiOf(AQI_TABLES.pm2_5, 35.49)).toBe(100);
    expect(aqiOf(AQI_TABLES.pm2_5, 35.5)).toBe(101);
    expect(aqiOf(AQI_TABLES.pm2_5, 55.4)).toBe(150);
    expect(aqiOf(AQI_TABLES.pm2_5, 55.5)).toBe(151);
    expect(aqiOf(AQI_TABLES.pm2_5, 125.4)).toBe(200);
    expect(aqiOf(AQI_TABLES.pm2_5, 125.5)).toBe(201);
    expect(aqiOf(AQI_TABLES.pm2_5, 225.4)).toBe(300);
    expect(aqiOf(AQI_TABLES.pm2_5, 225.5)).toBe(301); // 2024: one Hazardous band 301-500
    expect(aqiOf(AQI_TABLES.pm2_5, 325.4)).toBe(500);
  });

  it('beyond the table the top band is extrapolated, and negative concentrations give 0', () => {
    // 199 / 99.9 x (425.4 - 225.5) + 301 = 699.2
    expect(aqiOf(AQI_TABLES.pm2_5, 425.4)).toBe(699);
    expect(aqiOf(AQI_TABLES.pm2_5, -3.2)).toBe(0);
    expect(aqiOf(AQI_TABLES.pm10, -1)).toBe(0);
    expect(aqiOf(AQI_TABLES.pm2_5, Number.NaN)).toBeUndefined();
  });

  it('PM10 truncates to an integer; its 2024 top band is 425-604', () => {
    expect(aqiOf(AQI_TABLES.pm10, 54.9)).toBe(50);
    expect(aqiOf(AQI_TABLES.pm10, 55)).toBe(51);
    expect(aqiOf(AQI_TABLES.pm10, 154)).toBe(100);
    expect(aqiOf(AQI_TABLES.pm10, 424)).toBe(300);
    expect(aqiOf(AQI_TABLES.pm10, 425)).toBe(301);
    expect(aqiOf(AQI_TABLES.pm10, 604)).toBe(500);
  });

  it('NO2 and SO2 (1-hour, ppb, integers); 1-hour SO2 defines no AQI above 304 ppb', () => {
    expect(aqiOf(AQI_TABLES.no2, 53.9)).toBe(50);
    expect(aqiOf(AQI_TABLES.no2, 54)).toBe(51);
    expect(aqiOf(AQI_TABLES.no2, 100)).toBe(100);
    expect(aqiOf(AQI_TABLES.no2, 101)).toBe(101);
    expect(aqiOf(AQI_TABLES.no2, 2049)).toBe(500);
    expect(aqiOf(AQI_TABLES.so2_1h, 35)).toBe(50);
    expect(aqiOf(AQI_TABLES.so2_1h, 304)).toBe(200);
    expect(aqiOf(AQI_TABLES.so2_1h, 305)).toBeUndefined();
  });

  it('1-hour O3 has an AQI only from 0.125 ppm (101); the metric is in ppb', () => {
    expect(aqiOfMetric('o3', 124.9)).toBeUndefined();
    expect(aqiOfMetric('o3', 125)).toBe(101);
    expect(aqiOfMetric('o3', 164)).toBe(150);
    expect(aqiOfMetric('o3', 165)).toBe(151);
    expect(aqiOfMetric('pm2_5', 35.9)).toBe(102);
    expect(aqiOfMetric('no2', 54)).toBe(51);
  });

  it('truncation drops digits without rounding, also across binary noise', () => {
    expect(truncate(35.4, 1)).toBe(35.4);
    expect(truncate(0.07853, 3)).toBe(0.078);
    expect(truncate(9.99, 0)).toBe(9);
    expect(truncate(-0.55, 1)).toBe(-0.5);
  });
});
