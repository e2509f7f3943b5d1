"""Generates the synthetic hourly weather of a North Sea port, and the label "rain in four hours".

Standard library only, deterministic: the same arguments give the same bytes.

    python3 generate.py --rows 8760 --start 2023-01-01T00:00 --seed 7 --out train.csv
    python3 generate.py --rows 1008 --start 2024-03-04T00:00 --seed 39 --shift 1 --no-label --out recent.csv
    python3 generate.py --rows 8760 --start 2023-01-01T00:00 --seed 7 --from 2023-03-04T00:00 --until 2023-04-15T00:00 --no-label --out ../drift/spring-2023.csv
    python3 generate.py --rows 1008 --start 2024-03-04T00:00 --seed 39 --no-label --out ../drift/spring-2024.csv

spring-2023.csv is train.csv's 4 March to 14 April without the label (the same simulation, a window of it written:
--from and --until); spring-2024.csv is recent.csv's weather without the shift (what the same six weeks of 2024
would be in the training year's climate). The drift checks of the demo compare like with like: the training year's
spring with a later spring, undrifted (spring-2024.csv) or drifted (recent.csv).

Columns (one row per hour, in time order):

    Timestamp                  only with --timestamps: ISO 8601 local time, e.g. 2023-01-01T00:00
    Temperature_C              air temperature, degrees Celsius
    Humidity                   relative humidity, percent (0-100)
    Wind_speed_kmph            mean wind speed, km/h
    Wind_bearing_degrees       where the wind comes from, whole degrees (0-359)
    Visibility_km              horizontal visibility, km (0.05-40)
    Pressure_millibars         sea-level pressure, hPa (= millibars)
    Current_weather_condition  clear, partly_cloudy, cloudy, overcast, fog, drizzle, rain, thunderstorm or snow
    Rain_in_4h                 1 when it precipitates (drizzle, rain, thunderstorm or snow) four hours later,
                               else 0; left out with --no-label (production inputs carry no label)

How the weather is made, hour by hour, from hidden states (the columns are noisy observations of them):

- Low-pressure systems (fronts) pass every three to five days, more often and deeper in winter: each is a dip of
  the pressure, 7 to 28 hPa deep and one to three days wide, on top of a slowly wandering anticyclonic anomaly.
  The pressure falls for many hours before the front's rain band, which passes a few hours before the lowest
  pressure.
- Ahead of the band the air moistens and the cloud thickens (overcast), the wind strengthens and backs to the
  south; behind it the air dries, the sky clears and the wind veers to the north-west. The prevailing wind is
  south-westerly; anticyclones turn it easterly.
- The rain propensity is the rain band, plus convection on unstable summer afternoons, plus short-lived noise;
  anticyclones suppress it. It precipitates above a threshold: drizzle just above, rain further, thunderstorm
  when convective, snow below 0.5 C.
- Temperature: a seasonal cycle (on average 3.5 C in January, 17.5 C in July), a diurnal cycle damped by cloud, a slow
  air-mass anomaly, cooling in rain. Humidity follows from the temperature and a slowly varying dew point
  (saturated in rain, drier under clear skies and anticyclones), so it is lowest in the afternoon. Fog forms when
  the air is saturated and the wind light.
- Visibility drops with humidity (haze, mist), in precipitation and, most, in fog.

The label of hour t is whether it precipitates at hour t + 4 of the same simulation (the generator simulates four
hours more than it writes); nothing of the future enters the features of hour t.

--shift S (0: none; 1: the drift of recent.csv) moves the climate of the same weather (the seed fixes the fronts
and air masses) the way a warm, humid spring with sea fog would: +3 S degrees, a dew point 1.5 S degrees closer to the temperature (more humid), fog forming more easily
(from 96 - S % humidity, in winds below 10 + 3 S km/h), more summer convection.
"""

import argparse
import csv
import datetime as dt
import math
import random
import sys

TIMESTAMP = "Timestamp"
COLUMNS = [
    "Temperature_C",
    "Humidity",
    "Wind_speed_kmph",
    "Wind_bearing_degrees",
    "Visibility_km",
    "Pressure_millibars",
    "Current_weather_condition",
]
LABEL = "Rain_in_4h"
PRECIPITATION = ("drizzle", "rain", "thunderstorm", "snow")
HORIZON_HOURS = 4
RAIN_THRESHOLD = 0.7


class AR1:
    """A stationary first-order autoregressive process: mean 0, standard deviation sd, persistence rho."""

    def __init__(self, rng, rho, sd):
        self.rng = rng
        self.rho = rho
        self.innovation = sd * math.sqrt(1.0 - rho * rho)
        self.value = rng.gauss(0.0, sd)

    def step(self):
        self.value = self.rho * self.value + self.rng.gauss(0.0, self.innovation)
        return self.value


def season_of(when):
    """+1 in mid-July, -1 in mid-January."""
    day = when.timetuple().tm_yday - 1 + when.hour / 24.0
    return math.cos(2.0 * math.pi * (day - 200.0) / 365.25)


def make_fronts(rng, start, hours):
    """Low-pressure systems from five days before the start to five days after the end."""
    fronts = []
    t = -120.0
    while t < hours + 120.0:
        season = season_of(start + dt.timedelta(hours=t))
        mean_gap = 105.0 + 25.0 * season  # about 3.3 days in winter, 5.4 in summer
        t += -mean_gap * math.log(1.0 - rng.random())
        fronts.append(
            {
                "centre": t,
                "depth": (8.0 + 16.0 * rng.random()) * (1.15 - 0.25 * season),
                "width": 14.0 + 20.0 * rng.random(),
                "wet": (0.4 + 1.3 * rng.random()) * (1.1 - 0.2 * season),  # wetter in winter
                "lead": 2.0 + 4.0 * rng.random(),
            }
        )
    return fronts


def saturation(temperature):
    """Magnus formula, up to a constant factor."""
    return math.exp(17.625 * temperature / (243.04 + temperature))


def simulate(rows, start, seed, shift):
    """Yields one dict per hour: the observed columns and whether it precipitates (the state, not a column)."""
    # Two streams: the slow weather (fronts, air masses, anomalies), and the hourly draws (instrument noise,
    # visibility, dew point in rain). Every hour draws the same numbers whatever happens, so --shift changes
    # how warm, humid and foggy the same weather is, not the weather itself.
    rng = random.Random(seed)
    instrument = random.Random(seed * 7919 + 1)
    hours = rows + HORIZON_HOURS
    fronts = make_fronts(rng, start, hours)
    high = AR1(rng, 1.0 - 1.0 / 72.0, 6.0)  # anticyclonic pressure anomaly, hPa
    air_mass = AR1(rng, 1.0 - 1.0 / 60.0, 2.5)  # temperature anomaly, C
    rain_noise = AR1(rng, 0.7, 0.2)
    cloud_noise = AR1(rng, 0.95, 0.35)
    dryness = AR1(rng, 0.97, 0.6)  # dew-point depression anomaly, C
    gustiness = AR1(rng, 0.9, 4.0)  # km/h
    veer = AR1(rng, 0.98, 30.0)  # degrees
    instability = 0.0
    first = 0
    for t in range(hours):
        when = start + dt.timedelta(hours=t)
        season = season_of(when)
        summer = max(0.0, season)
        if t == 0 or when.hour == 0:
            instability = rng.random() ** 2  # some summer days are thundery, most are not
        u_rain, u_visibility = instrument.random(), instrument.random()
        haze = instrument.gauss(0.0, 0.3)
        noise_t, noise_h, noise_p = instrument.gauss(0.0, 0.3), instrument.gauss(0.0, 1.5), instrument.gauss(0.0, 0.3)

        while first < len(fronts) and fronts[first]["centre"] < t - 5.0 * fronts[first]["width"]:
            first += 1
        dip = rain_band = approach = behind = frontness = 0.0
        phase, phase_weight = 0.0, 0.0
        for front in fronts[first:]:
            offset = t - front["centre"]
            if offset < -5.0 * front["width"]:
                break
            x = offset / front["width"]
            dip += front["depth"] * math.exp(-x * x)
            y = (offset + front["lead"]) / (0.3 * front["width"])
            rain_band += front["wet"] * math.exp(-y * y)
            y = (offset + front["lead"] + 8.0) / (0.8 * front["width"])
            approach += front["wet"] * math.exp(-y * y)
            y = (offset - 0.6 * front["width"]) / (0.5 * front["width"])
            behind += math.exp(-y * y)
            near = math.exp(-(x / 1.3) ** 2)
            frontness += front["depth"] / 20.0 * near
            if near > phase_weight:
                phase, phase_weight = math.tanh(x), near

        anticyclone = high.step()
        convection = 0.9 * (1.0 + shift) * instability * summer * math.exp(-(((when.hour - 16) / 3.0) ** 2))
        propensity = rain_band + convection + rain_noise.step() - 0.03 * anticyclone
        precipitating = propensity > RAIN_THRESHOLD
        intensity = propensity - RAIN_THRESHOLD
        cloud = 1.0 / (1.0 + math.exp(-4.0 * (propensity + 0.6 * approach - 0.8 * behind - 0.3 + cloud_noise.step())))
        if precipitating:
            cloud = max(cloud, 0.9)

        smooth_temperature = 10.5 + 7.0 * season + air_mass.step() + 3.0 * shift
        amplitude = (2.5 + 1.5 * (season + 1.0) / 2.0) * (1.0 - 0.7 * cloud)
        temperature = smooth_temperature + amplitude * math.cos(2.0 * math.pi * (when.hour - 15) / 24.0)
        if precipitating:
            temperature -= 1.5 * min(1.0, 2.0 * intensity)
        depression = 2.6 + 2.5 * (1.0 - cloud) + 0.08 * anticyclone + 0.8 * season + dryness.step() - 1.5 * shift
        depression += 2.5 * behind - 2.5 * approach  # moist air ahead of the front, dry behind it
        depression = max(0.2, depression)
        if precipitating:
            depression = min(depression, 0.3 + 0.7 * u_rain)
        dew_point = smooth_temperature - depression
        humidity = min(100.0, 100.0 * saturation(dew_point) / saturation(temperature))

        wind = 11.0 - 4.0 * season + 16.0 * frontness + 6.0 * approach + gustiness.step()
        wind += 5.0 * summer * math.exp(-(((when.hour - 14) / 4.0) ** 2))  # sea breeze
        bearing = 235.0 + 55.0 * phase * phase_weight - 5.0 * anticyclone + veer.step()

        if precipitating:
            if temperature < 0.5:
                condition = "snow"
            elif convection > 0.35 and intensity > 0.25:
                condition = "thunderstorm"
                wind += 10.0
            elif intensity < 0.15:
                condition = "drizzle"
            else:
                condition = "rain"
        elif humidity >= 96.0 - 1.0 * shift and wind < 10.0 + 3.0 * shift:
            condition = "fog"
        elif cloud < 0.3:
            condition = "clear"
        elif cloud < 0.65:
            condition = "partly_cloudy"
        elif cloud < 0.9:
            condition = "cloudy"
        else:
            condition = "overcast"

        if condition == "fog":
            visibility = 0.05 + 0.85 * u_visibility
        elif condition == "snow":
            visibility = 0.5 + 2.5 * u_visibility
        elif condition == "thunderstorm":
            visibility = 1.0 + 3.0 * u_visibility
        elif precipitating:
            visibility = (3.0 + 6.0 * u_visibility) / (1.0 + 2.0 * intensity)
        else:
            visibility = 35.0 * math.exp(-max(0.0, humidity - 55.0) / 22.0 + haze)

        yield {
            "Timestamp": when.strftime("%Y-%m-%dT%H:%M"),
            "Temperature_C": temperature + noise_t,
            "Humidity": min(100.0, max(10.0, humidity + noise_h)),
            "Wind_speed_kmph": max(0.0, wind),
            "Wind_bearing_degrees": round(bearing) % 360,
            "Visibility_km": min(40.0, max(0.05, visibility)),
            "Pressure_millibars": 1020.0
            + anticyclone
            - dip
            + 0.6 * math.cos(4.0 * math.pi * (when.hour - 10) / 24.0)
            + noise_p,
            "Current_weather_condition": condition,
            "precipitating": precipitating,
        }


def header(label=True, timestamps=False):
    return ([TIMESTAMP] if timestamps else []) + COLUMNS + ([LABEL] if label else [])


def generate(rows, start, seed, shift=0.0, label=True, timestamps=False, window=(None, None)):
    """The rows to write: lists of column values (formatted), without the header. window: the first hour written
    and the hour after the last (None: the start, the end); the weather is simulated from start all the same."""
    hours = list(simulate(rows, start, seed, shift))
    first, after = window
    out = []
    for t in range(rows):
        hour = hours[t]
        when = start + dt.timedelta(hours=t)
        if (first is not None and when < first) or (after is not None and when >= after):
            continue
        row = [hour["Timestamp"]] if timestamps else []
        row += [
            f"{hour['Temperature_C']:.1f}",
            f"{hour['Humidity']:.1f}",
            f"{hour['Wind_speed_kmph']:.1f}",
            str(hour["Wind_bearing_degrees"]),
            f"{hour['Visibility_km']:.2f}",
            f"{hour['Pressure_millibars']:.1f}",
            hour["Current_weather_condition"],
        ]
        if label:
            row.append("1" if hours[t + HORIZON_HOURS]["precipitating"] else "0")
        out.append(row)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=8760, help="hours to write (default 8760, one year)")
    parser.add_argument("--start", default="2023-01-01T00:00", help="first hour, ISO 8601 (default 2023-01-01T00:00)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument(
        "--shift", type=float, default=0.0, help="climate drift: 0 none (default), 1 the drift of recent.csv"
    )
    parser.add_argument("--no-label", action="store_true", help=f"leave out {LABEL} (production inputs)")
    parser.add_argument("--timestamps", action="store_true", help=f"add a first column {TIMESTAMP}")
    parser.add_argument("--from", dest="first", help="write only the hours from this one on, ISO 8601 (default --start)")
    parser.add_argument("--until", help="write only the hours before this one, ISO 8601 (default: all --rows)")
    parser.add_argument("--out", default="-", help="CSV file to write, or - for stdout (default)")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    try:
        start = dt.datetime.fromisoformat(args.start)
    except ValueError:
        parser.error(f"--start: not an ISO 8601 date-time: {args.start!r}")
    window = []
    for name, value in (("--from", args.first), ("--until", args.until)):
        try:
            window.append(None if value is None else dt.datetime.fromisoformat(value))
        except ValueError:
            parser.error(f"{name}: not an ISO 8601 date-time: {value!r}")
    if window[0] is not None and window[1] is not None and window[1] <= window[0]:
        parser.error("--until must be after --from")

    rows = generate(
        args.rows, start, args.seed, args.shift, label=not args.no_label, timestamps=args.timestamps, window=tuple(window)
    )
    if not rows:
        parser.error("--from and --until leave no hour of the simulated ones to write")
    stream = sys.stdout if args.out == "-" else open(args.out, "w", newline="", encoding="utf-8")
    try:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header(label=not args.no_label, timestamps=args.timestamps))
        writer.writerows(rows)
    finally:
        if stream is not sys.stdout:
            stream.close()
    if args.out != "-":
        print(f"wrote {len(rows)} rows to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
