// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.ui;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver: no Selenium Manager, no download. Outside CI a
 * machine without chromium skips the UI tests saying so; in CI that is a failure (.ci/run installs both).
 * Screenshots go to server/target/ui-screenshots/ (the build artifact the README's pictures come from).
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    final ChromeDriver driver;
    private final String base;

    private Browser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    static Browser open(String base) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver); UI tests cannot run";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(why);
            }
            System.err.println("[openccm tests] SKIPPING: " + why);
            abort(why);
        }
        try {
            Path profile = Files.createTempDirectory("openccm-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            // The background-networking flags keep Chromium from dialling Google on a closed network.
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1360,900", "--lang=en-US", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
            Files.createDirectories(SCREENSHOTS);
            return new Browser(driver, base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void go(String hash) {
        driver.get(base + "/" + hash);
    }

    void logIn(String email, String password) {
        go("#/login");
        type(By.name("email"), email);
        type(By.name("password"), password);
        click(By.id("login-submit"));
        waitForText(By.tagName("h1"), "Applications");
    }

    WebElement find(By by) {
        return until(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() || !found.getFirst().isDisplayed() ? null : found.getFirst();
        });
    }

    void type(By by, String text) {
        WebElement el = find(by);
        el.clear();
        el.sendKeys(text);
    }

    void select(By by, String value) {
        new org.openqa.selenium.support.ui.Select(find(by)).selectByValue(value);
    }

    void click(By by) {
        until(d -> {
            WebElement el = find(by);
            return el.isEnabled() ? el : null;
        }).click();
    }

    /** The value an input shows, once it is not empty. */
    String valueOf(By by) {
        return until(d -> {
            String v = find(by).getDomProperty("value");
            return v == null || v.isEmpty() ? null : v;
        });
    }

    void waitForText(By by, String text) {
        until(d -> d.findElements(by).stream().anyMatch(e -> e.getText().contains(text)) ? Boolean.TRUE : null);
    }

    <T> T until(Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(100))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(condition::apply);
        } catch (org.openqa.selenium.TimeoutException e) {
            String name = "failure-" + System.nanoTime();
            screenshot(name);
            throw new AssertionError("the page never got there (" + SCREENSHOTS.resolve(name + ".png") + "); at "
                    + driver.getCurrentUrl() + " it shows:\n" + driver.findElement(By.tagName("body")).getText(), e);
        }
    }

    /** Saves the current screen as target/ui-screenshots/{name}.png. */
    void screenshot(String name) {
        ((JavascriptExecutor) driver).executeScript("document.activeElement && document.activeElement.blur()");
        try {
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
